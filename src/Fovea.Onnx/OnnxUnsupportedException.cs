namespace Fovea.Onnx;

/// <summary>
/// Thrown at load time when a valid ONNX model uses something Fovea does not implement (an operator, an opset, a
/// data type); the message names the operator and the node. A hostile or corrupt file throws
/// <see cref="FoveaFormatException"/> instead.
/// </summary>
public sealed class OnnxUnsupportedException(string message) : NotSupportedException(message);
