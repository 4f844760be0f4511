using System.Globalization;
using Fovea.NN;
using Fovea.Onnx.Proto;
using Fovea.Vision.Models;

namespace Fovea.Onnx;

/// <summary>
/// Imported ONNX classifiers as a <see cref="ModelSpec"/> architecture ("onnx"), so that checkpoints of fine-tuned
/// ONNX models load like zoo checkpoints. The spec's <see cref="ModelSpec.Graph"/> names the ONNX file (the trainer
/// writes model.onnx next to its checkpoints); the checkpoint's tensors then replace the graph's weights.
/// Normalisation travels in the ONNX metadata_props "fovea.mean" and "fovea.std" (comma-separated, one value or one
/// per channel), written by <see cref="WriteNormalization"/> (<c>fovea export</c>); without them it is mean 0, std 1.
/// </summary>
public static class OnnxModelSpec
{
    /// <summary>The architecture name in <see cref="ModelSpec.Name"/>.</summary>
    public const string Architecture = "onnx";

    /// <summary>The metadata_props keys holding the input normalisation.</summary>
    public const string MeanKey = "fovea.mean", StdKey = "fovea.std";

    /// <summary>Registers the "onnx" builder with <see cref="ModelSpec.RegisterBuilder"/> (idempotent).</summary>
    public static void Register() => ModelSpec.RegisterBuilder(Architecture, Build);

    /// <summary>Loads the spec's graph; a fresh head when its class count differs from the spec's.</summary>
    public static Module Build(ModelSpec spec, Generator? generator)
    {
        if (spec.Graph is null) throw new FoveaFormatException($"model '{spec.Name}': no ONNX graph file in the model description.");
        if (!File.Exists(spec.Graph)) throw new FoveaFormatException($"model '{spec.Name}': its ONNX graph '{spec.Graph}' does not exist (it is kept next to the checkpoint).");
        var m = OnnxModel.Load(spec.Graph);
        if (NumOutputs(m) != spec.NumClasses) m.ReplaceHead(spec.NumClasses, generator);
        return m;
    }

    /// <summary>The class count of a classifier's first output [N, K], or null when it is not a known number.</summary>
    public static int? NumOutputs(OnnxModule model) =>
        model.Outputs.Count > 0 && model.Outputs[0].Dims is [_, var k] && int.TryParse(k, out int n) ? n : null;

    /// <summary>
    /// The spec of an imported classifier: input channels and size from its graph input [N,C,H,W] (square images; a
    /// symbolic dimension falls back to <paramref name="channels"/> or <paramref name="imageSize"/>), the given classes,
    /// and the normalisation of its metadata (mean 0, std 1 without). <see cref="ModelSpec.Graph"/> is left null.
    /// </summary>
    public static ModelSpec FromModel(OnnxModule model, IReadOnlyList<string> classNames, int channels, int imageSize, string source)
    {
        if (model.Inputs.Count != 1) throw new FoveaFormatException($"{source}: an ONNX classifier needs one input, this one has {model.Inputs.Count}.");
        var dims = model.Inputs[0].Dims;
        if (dims.Length != 4) throw new FoveaFormatException($"{source}: the ONNX input is {model.Inputs[0]}, expected an image batch [N,C,H,W].");
        int Dim(int i, int fallback) => int.TryParse(dims[i], out int v) && v > 0 ? v : fallback;
        int c = Dim(1, channels), h = Dim(2, imageSize), w = Dim(3, h);
        if (h != w) throw new FoveaFormatException($"{source}: the ONNX input is {model.Inputs[0]}; only square images are supported.");
        var props = model.Proto.MetadataProps.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        float[] mean = Floats(props, MeanKey, source) ?? [0f], std = Floats(props, StdKey, source) ?? [1f];
        return new ModelSpec(Architecture, c, h, classNames, mean, std);
    }

    /// <summary>Writes (or replaces) the normalisation of <paramref name="spec"/> in a model's metadata_props.</summary>
    public static void WriteNormalization(ModelProto model, ModelSpec spec)
    {
        foreach (var (key, values) in new[] { (MeanKey, spec.Mean), (StdKey, spec.Std) })
        {
            var old = model.MetadataProps.FirstOrDefault(p => p.Key == key);
            if (old is not null) model.MetadataProps.Remove(old);
            model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = string.Join(",", values.Select(v => v.ToString("R", CultureInfo.InvariantCulture))) });
        }
    }

    static float[]? Floats(Dictionary<string, string> props, string key, string source)
    {
        if (!props.TryGetValue(key, out var text)) return null;
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var r = new float[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!float.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out r[i]))
                throw new FoveaFormatException($"{source}: metadata '{key}' is '{text}', expected comma-separated numbers.");
        return r;
    }
}
