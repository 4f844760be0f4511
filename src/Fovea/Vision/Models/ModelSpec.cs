using System.Text.Json.Nodes;
using Fovea.IO;
using Fovea.NN;

namespace Fovea.Vision.Models;

/// <summary>
/// What is needed to rebuild a zoo classifier and feed it: the architecture name, the input shape, the classes and
/// the input normalisation. Stored under "model" in every checkpoint the trainer writes.
/// </summary>
/// <remarks>
/// Architectures outside the zoo come from builders registered with <see cref="RegisterBuilder"/> (the CLI registers
/// "onnx" from Fovea.Onnx, so the core does not depend on it). Such a spec may name a <paramref name="Graph"/> file:
/// in a checkpoint it is stored as written (the trainer writes "model.onnx", next to the checkpoint) and
/// <see cref="FromJson"/> resolves a relative path against the checkpoint's folder.
/// </remarks>
public sealed record ModelSpec(string Name, int InChannels, int ImageSize, IReadOnlyList<string> ClassNames, float[] Mean, float[] Std, string? Graph = null)
{
    static readonly Dictionary<string, Func<ModelSpec, Generator?, Module>> s_builders = new(StringComparer.Ordinal);

    public int NumClasses => ClassNames.Count;

    /// <summary>
    /// Registers (or replaces) the builder for an architecture that is not in the zoo, e.g. "onnx": it gets the spec
    /// (with <see cref="Graph"/> resolved) and returns the module with the spec's class count.
    /// </summary>
    public static void RegisterBuilder(string name, Func<ModelSpec, Generator?, Module> builder)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(builder);
        lock (s_builders) s_builders[name] = builder;
    }

    /// <summary>Whether <paramref name="name"/> has a registered builder.</summary>
    public static bool HasBuilder(string name)
    {
        lock (s_builders) return s_builders.ContainsKey(name);
    }

    /// <summary>Builds the (untrained) module this spec describes: a registered builder's, else the zoo's.</summary>
    public Module Build(Generator? generator = null)
    {
        Func<ModelSpec, Generator?, Module>? builder;
        lock (s_builders) s_builders.TryGetValue(Name, out builder);
        return builder is not null ? builder(this, generator) : ModelZoo.Create(Name, InChannels, NumClasses, ImageSize, generator);
    }

    public JsonObject ToJson()
    {
        var o = new JsonObject
        {
            ["name"] = Name,
            ["in_channels"] = InChannels,
            ["image_size"] = ImageSize,
            ["class_names"] = new JsonArray([.. ClassNames.Select(c => (JsonNode)c)]),
            ["mean"] = new JsonArray([.. Mean.Select(v => (JsonNode)v)]),
            ["std"] = new JsonArray([.. Std.Select(v => (JsonNode)v)]),
        };
        if (Graph is not null) o["graph"] = Graph;
        return o;
    }

    /// <summary>Reads a spec written by <see cref="ToJson"/>; a missing or wrongly typed field names itself.</summary>
    public static ModelSpec FromJson(JsonNode? node, string source)
    {
        try
        {
            var o = node?.AsObject() ?? throw new FoveaFormatException($"{source}: no model description in the metadata.");
            string name = (string?)o["name"] ?? throw new FoveaFormatException($"{source}: model name missing.");
            int c = (int)(o["in_channels"] ?? throw new FoveaFormatException($"{source}: in_channels missing."));
            int s = (int)(o["image_size"] ?? throw new FoveaFormatException($"{source}: image_size missing."));
            var classes = o["class_names"]?.AsArray().Select(n => (string)n!).ToArray() ?? throw new FoveaFormatException($"{source}: class_names missing.");
            var mean = o["mean"]?.AsArray().Select(n => (float)n!).ToArray() ?? [0f];
            var std = o["std"]?.AsArray().Select(n => (float)n!).ToArray() ?? [1f];
            if (c <= 0 || s <= 0 || classes.Length < 2) throw new FoveaFormatException($"{source}: invalid model description (in_channels {c}, image_size {s}, {classes.Length} classes).");
            string? graph = (string?)o["graph"];
            if (graph is not null && !Path.IsPathRooted(graph) && File.Exists(source))
                graph = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(source))!, graph);
            return new ModelSpec(name, c, s, classes, mean, std, graph);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            throw new FoveaFormatException($"{source}: malformed model description ({e.Message}).", e);
        }
    }

    /// <summary>Loads a checkpoint written by the trainer (best.ckpt, last.ckpt or model.ckpt) into a fresh module.</summary>
    public static (Module Model, ModelSpec Spec) LoadCheckpoint(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Checkpoint '{path}' does not exist.");
        var data = Checkpoint.Load(path);
        var spec = FromJson(data.Metadata["model"], path);
        Module model;
        try { model = spec.Build(new Generator(0)); }
        catch (ArgumentException e) { throw new FoveaFormatException($"{path}: {e.Message}", e); }
        var state = data.Tensors.Where(kv => kv.Key.StartsWith("model.", StringComparison.Ordinal))
            .ToDictionary(kv => kv.Key["model.".Length..], kv => kv.Value);
        try { model.LoadStateDict(state); }
        catch (ArgumentException e) { throw new FoveaFormatException($"{path}: weights do not fit '{spec.Name}': {e.Message}", e); }
        model.Eval();
        return (model, spec);
    }
}
