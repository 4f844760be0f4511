using Fovea.NN;
using Fovea.Onnx;
using Google.Protobuf;
using Fovea.Vision.Models;

namespace Fovea.Cli.Commands;

/// <summary>
/// <c>fovea train --init MODEL.onnx</c>: an imported ONNX classifier as the starting point of a run. The run folder
/// gets the graph as model.onnx (written before training, so best.ckpt and last.ckpt load at once, and again with
/// the final weights); the checkpoints name it through the "onnx" architecture (<see cref="OnnxModelSpec"/>).
/// </summary>
static class OnnxInit
{
    /// <summary>The graph file's name in the run folder, as the checkpoints reference it.</summary>
    public const string GraphFile = "model.onnx";

    public static bool IsOnnx(string path) => path.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase);

    /// <summary>Loads the ONNX model, replaces its head when asked, and describes it (input shape from the graph).</summary>
    public static (Module Model, ModelSpec Spec, string Note) Pretrained(string path, int? head, string[] classNames, int channels, int imageSize, int seed)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"--init: '{path}' does not exist.");
        var model = OnnxModel.Load(path);
        int? outputs = OnnxModelSpec.NumOutputs(model);
        if (head is null && outputs != classNames.Length)
            throw new UsageException($"--init {path} predicts {outputs?.ToString() ?? "an unknown number of"} classes but the data has {classNames.Length}: pass --head {classNames.Length}.");
        if (head is int h && h != classNames.Length)
            throw new UsageException($"--head {h} does not match the data's {classNames.Length} classes.");
        var spec = OnnxModelSpec.FromModel(model, classNames, channels, imageSize, path) with { Graph = GraphFile };
        string note = $"initialised from {path} (ONNX, input [N,{spec.InChannels},{spec.ImageSize},{spec.ImageSize}], mean {string.Join("/", spec.Mean)}, std {string.Join("/", spec.Std)})";
        if (head is null) return (model, spec, note);
        model.ReplaceHead(classNames.Length, new Generator(seed));
        return (model, spec, note + $"; new head with {classNames.Length} outputs");
    }

    /// <summary>Writes the model's graph, current weights and normalisation to the run folder's model.onnx.</summary>
    public static void WriteGraph(Module model, ModelSpec spec, string outDir)
    {
        if (model is not OnnxModule onnx) return;
        Directory.CreateDirectory(outDir);
        var proto = onnx.ToProto();
        OnnxModelSpec.WriteNormalization(proto, spec);
        string path = Path.Combine(outDir, GraphFile), tmp = path + ".tmp";
        File.WriteAllBytes(tmp, proto.ToByteArray());
        File.Move(tmp, path, overwrite: true);
    }
}
