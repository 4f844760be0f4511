namespace Fovea;

/// <summary>
/// Thrown when a file (NPY, NPZ, checkpoint, IDX, image, ONNX) is truncated, corrupt or hostile.
/// The message names the file and what is wrong with it; nothing is allocated from an unchecked length.
/// </summary>
public sealed class FoveaFormatException(string message, Exception? inner = null) : IOException(message, inner);
