using Fovea.NN;

namespace Fovea.Onnx;

/// <summary>
/// A container module that holds the imported parameters and buffers under one dotted-name prefix, so that an
/// initializer named "layer1.0.conv1.weight" keeps that name in <see cref="Module.StateDict"/> and
/// <c>Freeze("layer1")</c> reaches it. It has no computation of its own.
/// </summary>
public sealed class OnnxScope : Module
{
    /// <summary>Not callable: a scope only holds tensors.</summary>
    public override Tensor Forward(Tensor input) => throw new InvalidOperationException("OnnxScope holds imported tensors and has no forward of its own.");

    internal Tensor AddParameter(string name, Tensor t) => RegisterParameter(name, t);

    internal Tensor AddBuffer(string name, Tensor t) => RegisterBuffer(name, t);

    internal OnnxScope Child(string name)
    {
        foreach (var (n, m) in NamedChildren())
            if (n == name) return m as OnnxScope ?? throw new ArgumentException($"'{name}' is not a scope.");
        return RegisterModule(name, new OnnxScope());
    }
}
