namespace Fovea.Onnx;

/// <summary>A value during export: its ONNX name and the tensor the traced forward computed for it.</summary>
public readonly record struct OnnxValue(string Name, Tensor Value);
