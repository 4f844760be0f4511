using Fovea.Onnx.Proto;
using Google.Protobuf;

namespace Fovea.Onnx;

/// <summary>
/// Loads ONNX models as trainable <see cref="OnnxModule"/>s. Everything is checked at load time: the file parses,
/// the opset is one Fovea handles (7 to <see cref="MaxOpset"/>), every tensor's declared size matches its data,
/// external data stays inside the model's folder, the graph is acyclic with every input defined, and every
/// operator has a handler in <see cref="OnnxOperators"/> (an unsupported one is reported by name and node).
/// <code>
/// var model = OnnxModel.Load("resnet18.onnx");
/// model.Freeze("layer*");  model.ReplaceHead(10);
/// var y = model.Forward(x);
/// </code>
/// </summary>
public static class OnnxModel
{
    /// <summary>The oldest default-domain opset Fovea reads.</summary>
    public const int MinOpset = 7;

    /// <summary>The newest default-domain opset Fovea reads.</summary>
    public const int MaxOpset = 18;

    /// <summary>The largest model file Fovea parses (2 GiB, protobuf's own limit).</summary>
    public const long MaxFileBytes = int.MaxValue;

    /// <summary>Loads a model file; external data is read from the file's folder only.</summary>
    public static OnnxModule Load(string path)
    {
        var proto = ReadProto(path);
        return new OnnxModule(proto, Path.GetDirectoryName(Path.GetFullPath(path)), Path.GetFileName(path));
    }

    /// <summary>Loads a model from bytes (external data is not allowed: there is no folder to read it from).</summary>
    public static OnnxModule Load(byte[] bytes, string name = "model") => new(Parse(bytes, name), null, name);

    /// <summary>Loads a model from a stream (read to the end; external data is not allowed).</summary>
    public static OnnxModule Load(Stream stream, string name = "model")
    {
        using var ms = new MemoryStream();
        stream.CopyTo(ms);
        return Load(ms.ToArray(), name);
    }

    /// <summary>Reads and parses a model file without building it.</summary>
    public static ModelProto ReadProto(string path)
    {
        var fi = new FileInfo(path);
        if (!fi.Exists) throw new FileNotFoundException($"ONNX model '{path}' does not exist.", path);
        if (fi.Length > MaxFileBytes) throw new FoveaFormatException($"{path}: {fi.Length} bytes is larger than the 2 GiB protobuf limit; store the weights as external data.");
        return Parse(File.ReadAllBytes(path), path);
    }

    /// <summary>Parses model bytes; a corrupt or truncated file is a <see cref="FoveaFormatException"/>.</summary>
    public static ModelProto Parse(byte[] bytes, string name)
    {
        try
        {
            var m = ModelProto.Parser.ParseFrom(bytes);
            if (m.Graph is null) throw new FoveaFormatException($"{name}: not an ONNX model (no graph).");
            return m;
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new FoveaFormatException($"{name}: not a valid ONNX file ({e.Message}).", e);
        }
    }

    /// <summary>Reads a serialized TensorProto file (the .pb files of the ONNX test suite) as a float tensor.</summary>
    public static Tensor ReadTensor(string path) => ReadTensorWithType(path).Tensor;

    /// <summary>As <see cref="ReadTensor"/>, also returning the ONNX data type.</summary>
    public static (Tensor Tensor, int DataType) ReadTensorWithType(string path)
    {
        TensorProto t;
        try { t = TensorProto.Parser.ParseFrom(File.ReadAllBytes(path)); }
        catch (InvalidProtocolBufferException e) { throw new FoveaFormatException($"{path}: not a valid TensorProto ({e.Message}).", e); }
        return (OnnxTensors.ToTensor(t, Path.GetDirectoryName(Path.GetFullPath(path)), path), t.DataType);
    }

    /// <summary>Writes a float tensor as a serialized TensorProto file.</summary>
    public static void WriteTensor(string path, Tensor x, string name = "")
    {
        File.WriteAllBytes(path, OnnxTensors.FromTensor(x, name).ToByteArray());
    }
}
