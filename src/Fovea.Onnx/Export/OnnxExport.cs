using Fovea.NN;
using Fovea.Onnx.Proto;
using Google.Protobuf;

namespace Fovea.Onnx;

/// <summary>
/// Writes Fovea models as ONNX files. Export traces one forward pass on <c>sampleInput</c> (in evaluation mode,
/// without gradients): each module is turned into ONNX nodes by the exporter registered for its type (see the
/// registration table in <see cref="OnnxOperators"/> and <see cref="RegisterModule{T}"/>), a
/// <see cref="Sequential"/> by its children in order. Initializers carry the state-dict names; the batch axis of
/// the input and output is symbolic ("N") so the file accepts any batch size.
/// <code>
/// model.ExportOnnx("model.onnx", Tensor.Zeros(1, 3, 32, 32));
/// </code>
/// </summary>
public static class OnnxExport
{
    static readonly Dictionary<Type, OnnxModuleExporter> s_custom = [];
    static readonly object s_lock = new();

    static OnnxExport() => ZooExporters.RegisterAll((t, e) => s_custom[t] = e);

    /// <summary>The newest opset the exporter writes.</summary>
    public const int MaxOpset = 17;

    /// <summary>
    /// Registers how modules of type <typeparamref name="T"/> (and subclasses without their own exporter) become
    /// ONNX nodes: blocks with a custom forward (a residual block) describe their forward with
    /// <see cref="OnnxExportBuilder.EmitChild"/> and <see cref="OnnxExportBuilder.Node"/>.
    /// </summary>
    public static void RegisterModule<T>(Func<OnnxExportBuilder, T, OnnxValue, OnnxValue> exporter) where T : Module
    {
        ArgumentNullException.ThrowIfNull(exporter);
        lock (s_lock) s_custom[typeof(T)] = (b, m, x) => exporter(b, (T)m, x);
    }

    /// <summary>Exports <paramref name="module"/> to an ONNX model in memory.</summary>
    public static ModelProto ToProto(Module module, Tensor sampleInput, int opset = 13)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(sampleInput);
        if (opset < 11 || opset > MaxOpset) throw new ArgumentException($"OnnxExport: opset {opset} is not supported (11 to {MaxOpset}).");
        if (sampleInput.Rank < 1) throw new ArgumentException("OnnxExport: the sample input needs a batch axis.");
        if (module is OnnxModule imported) return imported.ToProto();   // an imported graph is written back as it is, with its current weights
        Dictionary<Type, OnnxModuleExporter> custom;
        lock (s_lock) custom = new(s_custom);
        var b = new OnnxExportBuilder(opset, custom);
        bool wasTraining = module.IsTraining;
        module.Eval();
        OnnxValue y;
        try
        {
            using (Autograd.NoGrad())
            {
                string inName = b.Fresh("input");
                y = b.Emit(module, new OnnxValue(inName, sampleInput));
                b.Graph.Input.Add(OnnxExportBuilder.ValueInfo(inName, sampleInput.Shape.ToArray(), dynamicBatch: true));
                // The graph output gets a stable name.
                string outName = b.Fresh("output");
                b.Graph.Node.Add(new NodeProto { OpType = "Identity", Name = outName, Input = { y.Name }, Output = { outName } });
                b.Graph.Output.Add(OnnxExportBuilder.ValueInfo(outName, y.Value.Shape.ToArray(), dynamicBatch: true));
            }
        }
        finally { module.Train(wasTraining); }
        var model = new ModelProto
        {
            IrVersion = 8,
            ProducerName = "fovea",
            ProducerVersion = typeof(OnnxExport).Assembly.GetName().Version?.ToString() ?? "0",
            Graph = b.Graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = opset });
        return model;
    }

    /// <summary>Exports <paramref name="module"/> to an ONNX file (written to a temporary file, then renamed).</summary>
    public static void Save(Module module, string path, Tensor sampleInput, int opset = 13)
    {
        var bytes = ToProto(module, sampleInput, opset).ToByteArray();
        string dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(dir);
        string tmp = Path.Combine(dir, "." + Path.GetFileName(path) + ".tmp");
        File.WriteAllBytes(tmp, bytes);
        File.Move(tmp, path, overwrite: true);
    }

    /// <summary>Exports <paramref name="module"/> to ONNX bytes.</summary>
    public static byte[] ToBytes(Module module, Tensor sampleInput, int opset = 13) => ToProto(module, sampleInput, opset).ToByteArray();
}
