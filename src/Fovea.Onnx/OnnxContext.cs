namespace Fovea.Onnx;

/// <summary>What an importer may know about the current run besides its node and inputs.</summary>
public sealed class OnnxContext
{
    /// <summary>True when the imported module is in training mode (BatchNormalization uses batch statistics).</summary>
    public bool Training { get; init; }
}
