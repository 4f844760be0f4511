namespace Fovea;

/// <summary>
/// Thrown when a tensor's shape does not fit an operation. The message names the op, the shapes and the axis,
/// e.g. "Conv2d(32->64, k3): input [8,3,28,28] has 3 channels, expected 32".
/// </summary>
public sealed class ShapeMismatchException(string message) : ArgumentException(message);
