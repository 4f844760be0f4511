namespace Fovea.Onnx;

/// <summary>One conformance test: its folder name, status (passed, failed, unsupported, excluded), the largest absolute error seen and a reason.</summary>
public sealed record OnnxTestResult(string Name, string Status, double? MaxAbsErr, string? Message);
