using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Fovea.Data.Transforms;
using Fovea.Explain;
using Fovea.Imaging;
using Fovea.IO;
using Fovea.NN;
using Fovea.Robust;
using Fovea.Vision.Models;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Fovea.Cli.Commands;

/// <summary><c>fovea explain</c>: attribution maps for a checkpoint's predictions, as overlays and a panel.</summary>
public sealed class ExplainCommand : Command<ExplainCommand.Settings>
{
    internal static readonly string[] Methods = ["saliency", "gradxinput", "smoothgrad", "ig", "gradcam", "gradcam++", "occlusion", "lrp"];

    public sealed class Settings : CommonSettings
    {
        [CommandOption("--checkpoint <FILE>")][Description("A checkpoint written by `fovea train`.")]
        public string? Checkpoint { get; set; }
        [CommandArgument(0, "[INPUT]")][Description("PNG/JPEG/BMP/WebP images or .npy arrays ([H,W], [C,H,W] or [1,C,H,W], pixels in [0,1]).")]
        public string[] Inputs { get; set; } = [];
        [CommandOption("--method <NAME>")][Description("saliency, gradxinput, smoothgrad, ig, gradcam, gradcam++, occlusion, lrp, or all (default); a comma-separated list works too.")]
        public string Method { get; set; } = "all";
        [CommandOption("--layer <NAME>")][Description("Grad-CAM layer by module name (see `fovea info`); default: the last Conv2d, or the BatchNorm/ReLU right after it.")]
        public string? Layer { get; set; }
        [CommandOption("--class <C>")][Description("Explain this class (index or name) instead of the prediction.")]
        public string? Class { get; set; }
        [CommandOption("--dataset <NAME>")][Description("With --data: fashion-mnist (default), mnist, cifar10, cifar100, folder.")]
        public string? Dataset { get; set; }
        [CommandOption("--data <DIR>")][Description("Explain the first --limit test images of this data folder instead of INPUT files.")]
        public string? Data { get; set; }
        [CommandOption("--limit <N>")][Description("Test images to explain with --data (default 6).")]
        public int Limit { get; set; } = 6;
        [CommandOption("--out <DIR>")][Description("Output folder for the overlays and panel.png (default explain-out).")]
        public string Out { get; set; } = "explain-out";
        [CommandOption("--colormap <NAME>")][Description("jet (default) or inferno.")]
        public string ColorMap { get; set; } = "jet";
        [CommandOption("--opacity <X>")][Description("Heat-map opacity in [0,1] (default 0.6).")]
        public float Opacity { get; set; } = 0.6f;
        [CommandOption("--steps <K>")][Description("Integrated Gradients steps (default 50).")]
        public int Steps { get; set; } = 50;
        [CommandOption("--samples <K>")][Description("SmoothGrad samples (default 25).")]
        public int Samples { get; set; } = 25;
        [CommandOption("--noise <X>")][Description("SmoothGrad noise level, a fraction of the pixel range (default 0.15).")]
        public float Noise { get; set; } = 0.15f;
        [CommandOption("--window <K>")][Description("Occlusion window (default 4) ...")]
        public int Window { get; set; } = 4;
        [CommandOption("--stride <K>")][Description("... and stride (default 2).")]
        public int Stride { get; set; } = 2;
        [CommandOption("--lrp-rule <NAME>")][Description("epsilon (default), alpha2beta1, alpha1beta0.")]
        public string LrpRule { get; set; } = "epsilon";
        [CommandOption("--metrics")][Description("Also measure: deletion/insertion AUC per method and for a random attribution, Grad-CAM mass on the object pixels, and the model-randomisation rank correlations of gradient and Grad-CAM.")]
        public bool Metrics { get; set; }
        [CommandOption("--seed <S>")][Description("Seed for SmoothGrad noise and the random baselines (default 1).")]
        public int Seed { get; set; } = 1;

        public override ValidationResult Validate()
        {
            if (Checkpoint is null) return ValidationResult.Error("--checkpoint FILE is required.");
            if (Inputs.Length == 0 && Data is null && Dataset is null) return ValidationResult.Error("Give INPUT files or --data DIR (test images).");
            if (Limit < 1) return ValidationResult.Error($"--limit must be at least 1, got {Limit}.");
            if (!(Opacity >= 0 && Opacity <= 1)) return ValidationResult.Error($"--opacity must be in [0, 1], got {Opacity}.");
            if (ColorMap is not ("jet" or "inferno")) return ValidationResult.Error($"--colormap must be jet or inferno, got '{ColorMap}'.");
            if (Steps < 1 || Samples < 1 || Window < 1 || Stride < 1) return ValidationResult.Error("--steps, --samples, --window and --stride must be at least 1.");
            if (LrpRule is not ("epsilon" or "alpha2beta1" or "alpha1beta0")) return ValidationResult.Error($"--lrp-rule must be epsilon, alpha2beta1 or alpha1beta0, got '{LrpRule}'.");
            foreach (var m in MethodList(Method))
                if (!Methods.Contains(m)) return ValidationResult.Error($"Unknown method '{m}'. Known: {string.Join(", ", Methods)}, all.");
            return ValidationResult.Success();
        }
    }

    internal static string[] MethodList(string method) =>
        method.Trim().Equals("all", StringComparison.OrdinalIgnoreCase) ? Methods
        : [.. method.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(m => m.ToLowerInvariant())];

    public override int Execute(CommandContext context, Settings s, CancellationToken cancellationToken)
    {
        s.ApplyThreads();
        var clock = Stopwatch.StartNew();
        var (model, spec) = ModelSpec.LoadCheckpoint(s.Checkpoint!);
        var pixelModel = new NormalizedModel(model, spec.Mean, spec.Std);
        pixelModel.Eval();
        var (x, names, truth) = LoadImages(s.Inputs, s.Dataset, s.Data, s.Limit, spec);
        int n = x.Shape[0];
        var methods = MethodList(s.Method);

        Tensor? target = null;
        if (s.Class is not null)
        {
            int c = ParseClass(s.Class, spec);
            target = Tensor.Full([n], c);
        }
        float[] probs;
        int[] predicted;
        using (Autograd.NoGrad())
        {
            var logits = pixelModel.Call(x);
            predicted = [.. logits.ArgMax(1).ToArray().Select(c => (int)c)];
            probs = Ops.Softmax(logits, 1).Contiguous().ToArray();
        }
        target ??= Tensor.FromArray([.. predicted.Select(p => (float)p)], n);
        string layerName = s.Layer ?? GradCam.DefaultLayerName(model);
        var layer = GradCam.Resolve(model, layerName);
        var rule = s.LrpRule switch { "alpha2beta1" => Explain.LrpRule.Alpha2Beta1, "alpha1beta0" => Explain.LrpRule.Alpha1Beta0, _ => Explain.LrpRule.Epsilon };
        if (methods.Contains("lrp")) Lrp.CheckSupported(pixelModel);

        Tensor Attribute(string m, Module net, Tensor xi, Tensor t, Module camLayer) => m switch
        {
            "saliency" => Attribution.Saliency(net, xi, t),
            "gradxinput" => Attribution.GradientTimesInput(net, xi, t),
            "smoothgrad" => Attribution.SmoothGrad(net, xi, t, s.Noise, s.Samples, new Generator(s.Seed)),
            "ig" => Attribution.IntegratedGradients(net, xi, t, steps: s.Steps),
            "gradcam" => GradCam.Compute(net, xi, camLayer, t),
            "gradcam++" => GradCam.Compute(net, xi, camLayer, t, plusPlus: true),
            "occlusion" => Attribution.Occlusion(net, xi, t, Math.Min(s.Window, Math.Min(xi.Shape[2], xi.Shape[3])), s.Stride),
            "lrp" => Lrp.Compute(net, xi, t, rule),
            _ => throw new UsageException($"Unknown method '{m}'."),
        };

        Directory.CreateDirectory(s.Out);
        var map = s.ColorMap == "inferno" ? ExplainPlots.ColorMap.Inferno : ExplainPlots.ColorMap.Jet;
        var results = new List<(string Name, Tensor Attribution, double Seconds)>();
        var files = new JsonArray();
        foreach (var m in methods)
        {
            var mc = Stopwatch.StartNew();
            var a = Attribute(m, pixelModel, x, target, layer);
            results.Add((m, a, mc.Elapsed.TotalSeconds));
            for (int i = 0; i < n; i++)
            {
                string file = Path.Combine(s.Out, $"{names[i]}_{Safe(m)}.png");
                ExplainPlots.SaveOverlay(file, Slice(x, i), Slice(a, i), map, s.Opacity);
                files.Add(file);
            }
        }
        var titles = Enumerable.Range(0, n).Select(i => Title(spec, predicted[i], probs[i * spec.NumClasses + predicted[i]], truth?[i])).ToArray();
        string panel = Path.Combine(s.Out, "panel.png");
        ExplainPlots.Panel(panel, x, [.. results.Select(r => (r.Name, r.Attribution))], titles, map, s.Opacity,
            title: $"{spec.Name}: {(s.Class is null ? "predicted class" : "class " + spec.ClassNames[(int)target[0]])}, Grad-CAM layer {layerName}");

        JsonObject? metrics = s.Metrics ? Metrics(pixelModel, spec, s, x, target, results, layer, Attribute) : null;

        var json = new JsonObject
        {
            ["checkpoint"] = s.Checkpoint, ["model"] = spec.Name, ["images"] = n, ["gradcam_layer"] = layerName, ["panel"] = panel,
            ["predictions"] = new JsonArray([.. Enumerable.Range(0, n).Select(i => (JsonNode)new JsonObject
            {
                ["input"] = names[i], ["predicted"] = spec.ClassNames[predicted[i]], ["probability"] = probs[i * spec.NumClasses + predicted[i]],
                ["true"] = truth is null ? null : spec.ClassNames[truth[i]], ["explained_class"] = spec.ClassNames[(int)target[i]],
            })]),
            ["seconds"] = new JsonObject([.. results.Select(r => KeyValuePair.Create(r.Name, (JsonNode?)r.Seconds))]),
            ["files"] = files, ["metrics"] = metrics, ["wall_seconds"] = clock.Elapsed.TotalSeconds,
        };
        if (s.Json) { Console.WriteLine(json.ToJsonString()); return 0; }
        var table = new Table().AddColumns("method", "seconds");
        foreach (var r in results) table.AddRow(r.Name, r.Seconds.ToString("F2", CultureInfo.InvariantCulture));
        AnsiConsole.Write(table);
        if (metrics is not null) AnsiConsole.WriteLine(metrics.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
        AnsiConsole.MarkupLine($"[green]done:[/] {n} images × {results.Count} methods; wrote {files.Count} overlays and [blue]{Markup.Escape(panel)}[/] in {clock.Elapsed.TotalSeconds:F1} s.");
        return 0;
    }

    static JsonObject Metrics(NormalizedModel pixelModel, ModelSpec spec, Settings s, Tensor x, Tensor target,
        List<(string Name, Tensor Attribution, double Seconds)> results, Module layer, Func<string, Module, Tensor, Tensor, Module, Tensor> attribute)
    {
        var o = new JsonObject();
        // Deletion and insertion AUC per method, and for a random attribution.
        var rnd = Tensor.Rand(new Generator(s.Seed + 100), x.Shape.ToArray());
        var del = new JsonObject();
        var ins = new JsonObject();
        foreach (var (name, a) in results.Select(r => (r.Name, r.Attribution)).Append(("random", rnd)))
        {
            del[name] = Finite(ExplainMetrics.PerturbationCurve(pixelModel, x, a, target).Auc);
            ins[name] = Finite(ExplainMetrics.PerturbationCurve(pixelModel, x, a, target, insertion: true).Auc);
        }
        o["deletion_auc"] = del;
        o["insertion_auc"] = ins;
        // Grad-CAM mass on the object, mean over images: the object's pixels are those brighter than 0.05 (the garment
        // on its black background); its silhouette adds the dark pixels the garment encloses.
        var cam = results.FirstOrDefault(r => r.Name == "gradcam").Attribution ?? GradCam.Compute(pixelModel, x, layer, target);
        foreach (var (key, fill) in new[] { ("object", false), ("silhouette", true) })
        {
            var mask = ExplainMetrics.ObjectMask(x, fillHoles: fill);
            var mass = ExplainMetrics.MassInside(cam, x, mask).Where(double.IsFinite).ToArray();
            o[$"gradcam_mass_on_{key}"] = mass.Length > 0 ? mass.Average() : null;
            o[$"{key}_share_of_image"] = (double)mask.Count(b => b) / mask.Length;
        }
        // Model randomisation (cascading, all weighted layers re-initialised at the end).
        Func<Module> build = () =>
        {
            var fresh = spec.Build(new Generator(s.Seed + 200));
            fresh.Eval();
            return new NormalizedModel(fresh, spec.Mean, spec.Std);
        };
        var rand = new JsonObject();
        foreach (var m in new[] { "saliency", "gradcam" })
        {
            var r = SanityCheck.ModelRandomisation(pixelModel, build, (net, xi, t) =>
            {
                var l = m == "gradcam" ? GradCam.Resolve(((NormalizedModel)net).Model, Name(pixelModel.Model, layer)) : layer;
                return attribute(m, net, xi, t, l);
            }, x);
            rand[m] = new JsonObject
            {
                ["layers_top_down"] = new JsonArray([.. r.Layers.Select(l => (JsonNode)l)]),
                ["cascading_spearman"] = new JsonArray([.. r.MeanSpearman.Select(v => (JsonNode?)Finite(v))]),
                ["final_spearman"] = Finite(r.Final),
            };
        }
        o["randomisation"] = rand;
        return o;
    }

    static double? Finite(double v) => double.IsFinite(v) ? v : null;

    static string Name(Module model, Module layer) => model.NamedModules().First(m => ReferenceEquals(m.Module, layer)).Name;

    internal static string Title(ModelSpec spec, int predicted, float p, int? truth) =>
        $"{spec.ClassNames[predicted]} {p:P0}" + (truth is int t && t != predicted ? $"\ntrue: {spec.ClassNames[t]}" : "");

    static int ParseClass(string c, ModelSpec spec)
    {
        if (int.TryParse(c, NumberStyles.Integer, CultureInfo.InvariantCulture, out int i))
        {
            if (i < 0 || i >= spec.NumClasses) throw new UsageException($"--class {i} is out of range: the model has {spec.NumClasses} classes (0..{spec.NumClasses - 1}).");
            return i;
        }
        int k = spec.ClassNames.ToList().FindIndex(n => n.Equals(c, StringComparison.OrdinalIgnoreCase));
        return k >= 0 ? k : throw new UsageException($"--class '{c}' is neither an index nor a class name ({string.Join(", ", spec.ClassNames)}).");
    }

    static string Safe(string m) => m.Replace("+", "pp");

    internal static Tensor Slice(Tensor t, int i) => t.Narrow(0, i, 1).Contiguous().Reshape(t.Shape[1], t.Shape[2], t.Shape[3]);

    /// <summary>The images as pixels [N,C,S,S] in [0,1], their names, and their true labels when they come from a data set.</summary>
    internal static (Tensor X, string[] Names, int[]? Truth) LoadImages(string[] inputs, string? dataset, string? data, int limit, ModelSpec spec)
    {
        if (inputs.Length > 0)
        {
            var list = inputs.Select(p => InputImages.LoadPixels(p, spec)).ToArray();
            return (Ops.Cat(list, 0), [.. inputs.Select(p => Path.GetFileNameWithoutExtension(p))], null);
        }
        var src = DataSources.Resolve(dataset, data);
        var test = src.Test;
        int n = Math.Min(limit, test.Count);
        var xs = new Tensor[n];
        var truth = new int[n];
        for (int i = 0; i < n; i++)
        {
            var (img, label) = test.Get(i);
            xs[i] = InputImages.Fit(img, spec, $"test image {i}");
            truth[i] = label;
        }
        return (Ops.Cat(xs, 0), [.. Enumerable.Range(0, n).Select(i => $"test{i:D4}")], truth);
    }
}
