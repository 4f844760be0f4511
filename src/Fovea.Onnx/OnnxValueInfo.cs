namespace Fovea.Onnx;

/// <summary>A graph input or output: its name, element type and dimensions (a number, a symbolic name, or "?").</summary>
public sealed record OnnxValueInfo(string Name, string ElementType, string[] Dims)
{
    /// <summary>"input: FLOAT [N,3,224,224]".</summary>
    public override string ToString() => $"{Name}: {ElementType} [{string.Join(",", Dims)}]";
}
