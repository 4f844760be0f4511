using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Fovea.Imaging;
using Fovea.NN;
using Fovea.Robust;
using Fovea.Vision.Models;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Fovea.Cli.Commands;

/// <summary><c>fovea attack</c>: a checkpoint's accuracy under adversarial attacks on the test set.</summary>
public sealed class AttackCommand : Command<AttackCommand.Settings>
{
    static readonly string[] Known = ["fgsm", "pgd", "mifgsm", "deepfool", "cw"];

    public sealed class Settings : CommonSettings
    {
        [CommandOption("--checkpoint <FILE>")][Description("A checkpoint written by `fovea train`.")]
        public string? Checkpoint { get; set; }
        [CommandOption("--method <NAME>")][Description("fgsm, pgd (default), mifgsm, deepfool, cw; a comma-separated list runs several.")]
        public string Method { get; set; } = "pgd";
        [CommandOption("--eps <X>")][Description("Budget in pixel units [0,1] (L∞, or L2 with --norm l2); a comma-separated list runs each (default 0.1). DeepFool and CW are unbounded minimal attacks and ignore it.")]
        public string Eps { get; set; } = "0.1";
        [CommandOption("--steps <K>")][Description("Iterations (default: pgd 20, mifgsm 10, deepfool 50, cw 100).")]
        public int? Steps { get; set; }
        [CommandOption("--alpha <A>")][Description("Step size in pixels (default: pgd 2.5·eps/steps, mifgsm eps/steps).")]
        public float? Alpha { get; set; }
        [CommandOption("--restarts <R>")][Description("PGD random restarts (default 1).")]
        public int Restarts { get; set; } = 1;
        [CommandOption("--norm <NAME>")][Description("PGD norm: linf (default) or l2.")]
        public string Norm { get; set; } = "linf";
        [CommandOption("--dataset <NAME>")][Description("fashion-mnist (default), mnist, cifar10, cifar100, folder.")]
        public string? Dataset { get; set; }
        [CommandOption("--data <DIR>")][Description("Data folder (its test set is attacked). Without it, fashion-mnist uses the embedded subset.")]
        public string? Data { get; set; }
        [CommandOption("--limit <N>")][Description("Attack the first N test images (default 1000).")]
        public int Limit { get; set; } = 1000;
        [CommandOption("--batch-size <B>")][Description("Images per attack batch (default 250).")]
        public int BatchSize { get; set; } = 250;
        [CommandOption("--save-examples <DIR>")][Description("Write clean and adversarial PNGs (with both predictions) of the first --examples images here.")]
        public string? SaveExamples { get; set; }
        [CommandOption("--examples <N>")][Description("How many examples --save-examples writes (default 8).")]
        public int Examples { get; set; } = 8;
        [CommandOption("--seed <S>")][Description("Seed of the random starts (default 1).")]
        public int Seed { get; set; } = 1;

        public override ValidationResult Validate()
        {
            if (Checkpoint is null) return ValidationResult.Error("--checkpoint FILE is required.");
            foreach (var m in Methods(Method))
                if (!Known.Contains(m)) return ValidationResult.Error($"Unknown attack '{m}'. Known: {string.Join(", ", Known)}.");
            foreach (var e in Eps.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                if (!float.TryParse(e, NumberStyles.Float, CultureInfo.InvariantCulture, out float v) || !(v >= 0) || float.IsInfinity(v))
                    return ValidationResult.Error($"--eps must be non-negative numbers, got '{e}'.");
            if (Steps is < 1) return ValidationResult.Error($"--steps must be at least 1, got {Steps}.");
            if (Alpha is not null && !(Alpha > 0)) return ValidationResult.Error($"--alpha must be positive, got {Alpha}.");
            if (Restarts < 1) return ValidationResult.Error($"--restarts must be at least 1, got {Restarts}.");
            if (Norm is not ("linf" or "l2")) return ValidationResult.Error($"--norm must be linf or l2, got '{Norm}'.");
            if (Limit < 1 || BatchSize < 1 || Examples < 1) return ValidationResult.Error("--limit, --batch-size and --examples must be at least 1.");
            return ValidationResult.Success();
        }
    }

    static string[] Methods(string m) => [.. m.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(v => v.ToLowerInvariant())];

    public override int Execute(CommandContext context, Settings s, CancellationToken cancellationToken)
    {
        s.ApplyThreads();
        var clock = Stopwatch.StartNew();
        var (model, spec) = ModelSpec.LoadCheckpoint(s.Checkpoint!);
        var pixelModel = new NormalizedModel(model, spec.Mean, spec.Std);
        pixelModel.Eval();
        var (x, _, truth) = ExplainCommand.LoadImages([], s.Dataset, s.Data, s.Limit, spec);
        int n = x.Shape[0];
        var y = Tensor.FromArray([.. truth!.Select(t => (float)t)], n);
        var batches = new List<(Tensor, Tensor)>();
        for (int i = 0; i < n; i += s.BatchSize)
        {
            int m = Math.Min(s.BatchSize, n - i);
            batches.Add((x.Narrow(0, i, m).Contiguous(), y.Narrow(0, i, m).Contiguous()));
        }
        var epsList = s.Eps.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(e => float.Parse(e, CultureInfo.InvariantCulture)).ToArray();
        var norm = s.Norm == "l2" ? AttackNorm.L2 : AttackNorm.LInf;
        var specs = new List<AttackSpec>();
        foreach (var m in Methods(s.Method))
        {
            if (m is "deepfool" or "cw") { specs.Add(Make(m, 0f, s, norm)); continue; }
            foreach (float e in epsList) specs.Add(Make(m, e, s, norm));
        }
        Action<string>? progress = s.Json ? null : line => AnsiConsole.MarkupLine("  " + Markup.Escape(line));
        if (!s.Json)
            AnsiConsole.MarkupLine($"[bold]fovea attack[/] {Markup.Escape(spec.Name)}: {n} test images, {specs.Count} attack runs, {Kernels.Parallelism.MaxThreads} threads");
        var report = RobustnessEvaluator.Evaluate(pixelModel, batches, specs, progress);

        if (s.SaveExamples is not null) SaveExamples(s, pixelModel, spec, batches[0], specs);

        var json = new JsonObject
        {
            ["checkpoint"] = s.Checkpoint, ["model"] = spec.Name, ["images"] = report.Count, ["clean_accuracy"] = Finite(report.CleanAccuracy),
            ["attacks"] = new JsonArray([.. report.Attacks.Select(r => (JsonNode)new JsonObject
            {
                ["attack"] = r.Attack, ["eps"] = r.Eps, ["robust_accuracy"] = Finite(r.RobustAccuracy), ["success_rate"] = Finite(r.SuccessRate),
                ["mean_linf"] = Finite(r.MeanLinf), ["mean_l2"] = Finite(r.MeanL2), ["seconds"] = r.Seconds,
            })]),
            ["threads"] = Kernels.Parallelism.MaxThreads, ["wall_seconds"] = clock.Elapsed.TotalSeconds,
        };
        if (s.Json) { Console.WriteLine(json.ToJsonString()); return 0; }
        var table = new Table().AddColumns("attack", "eps", "robust acc", "success", "mean L∞", "mean L2", "seconds");
        table.AddRow("(clean)", "0", report.CleanAccuracy.ToString("P2", CultureInfo.InvariantCulture), "", "", "", "");
        foreach (var r in report.Attacks)
            table.AddRow(Markup.Escape(r.Attack), r.Eps.ToString("G3", CultureInfo.InvariantCulture), r.RobustAccuracy.ToString("P2", CultureInfo.InvariantCulture),
                r.SuccessRate.ToString("P2", CultureInfo.InvariantCulture), r.MeanLinf.ToString("F4", CultureInfo.InvariantCulture),
                r.MeanL2.ToString("F4", CultureInfo.InvariantCulture), r.Seconds.ToString("F1", CultureInfo.InvariantCulture));
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine($"[green]done:[/] {clock.Elapsed.TotalSeconds:F1} s.");
        return 0;
    }

    static double? Finite(double v) => double.IsFinite(v) ? v : null;

    static AttackSpec Make(string m, float eps, Settings s, AttackNorm norm)
    {
        int seed = s.Seed;
        switch (m)
        {
            case "fgsm":
                return new AttackSpec("fgsm", eps, (net, x, y) => Attacks.Fgsm(net, x, y, eps));
            case "pgd":
            {
                int steps = s.Steps ?? 20;
                float alpha = s.Alpha ?? 2.5f * eps / steps;
                var gen = new Generator(seed);
                string name = $"pgd-{steps}" + (norm == AttackNorm.L2 ? "-l2" : "") + (s.Restarts > 1 ? $"x{s.Restarts}" : "");
                return new AttackSpec(name, eps, (net, x, y) => Attacks.Pgd(net, x, y, eps, alpha, steps, norm, randomStart: true, s.Restarts, generator: gen));
            }
            case "mifgsm":
            {
                int steps = s.Steps ?? 10;
                return new AttackSpec($"mifgsm-{steps}", eps, (net, x, y) => Attacks.MiFgsm(net, x, y, eps, steps, s.Alpha));
            }
            case "deepfool":
            {
                int steps = s.Steps ?? 50;
                return new AttackSpec("deepfool", 0f, (net, x, _) => Attacks.DeepFool(net, x, steps));
            }
            default:
            {
                int steps = s.Steps ?? 100;
                return new AttackSpec("cw-l2", 0f, (net, x, y) => Attacks.CarliniWagnerL2(net, x, y, steps: steps));
            }
        }
    }

    static void SaveExamples(Settings s, Module pixelModel, ModelSpec spec, (Tensor X, Tensor Y) batch, List<AttackSpec> specs)
    {
        Directory.CreateDirectory(s.SaveExamples!);
        int k = Math.Min(s.Examples, batch.X.Shape[0]);
        var x = batch.X.Narrow(0, 0, k).Contiguous();
        var y = batch.Y.Narrow(0, 0, k).Contiguous();
        var clean = RobustnessEvaluator.Predict(pixelModel, x);
        var codec = SkiaImageCodec.Default;
        for (int i = 0; i < k; i++)
            codec.Save(ExplainCommand.Slice(x, i), Path.Combine(s.SaveExamples!, $"{i:D3}_clean_{Safe(spec.ClassNames[clean[i]])}.png"));
        foreach (var a in specs)
        {
            var adv = a.Run(pixelModel, x, y);
            var pred = RobustnessEvaluator.Predict(pixelModel, adv);
            string tag = $"{a.Name}" + (a.Eps > 0 ? $"_eps{a.Eps.ToString("G3", CultureInfo.InvariantCulture)}" : "");
            var rows = new List<(Tensor, string)>();
            for (int i = 0; i < k; i++)
            {
                var ci = ExplainCommand.Slice(x, i);
                var ai = ExplainCommand.Slice(adv, i);
                string cleanName = spec.ClassNames[clean[i]], advName = spec.ClassNames[pred[i]];
                codec.Save(ai, Path.Combine(s.SaveExamples!, $"{i:D3}_{tag}_{Safe(advName)}.png"));
                string trueName = spec.ClassNames[(int)y[i]];
                rows.Add((ci, cleanName == trueName ? $"clean: {cleanName}" : $"clean: {cleanName}\ntrue: {trueName}"));
                rows.Add((ai, $"{a.Name}: {advName}"));
            }
            ExplainPlots.Pairs(Path.Combine(s.SaveExamples!, $"pairs_{tag}.png"), rows, $"{spec.Name}: {a.Name}" + (a.Eps > 0 ? $", eps {a.Eps:G3}" : ""));
        }
    }

    static string Safe(string name) => string.Concat(name.Select(ch => char.IsLetterOrDigit(ch) ? ch : '-'));
}
