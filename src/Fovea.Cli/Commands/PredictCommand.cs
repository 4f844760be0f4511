using System.ComponentModel;
using System.Text.Json.Nodes;
using Fovea.Data.Transforms;
using Fovea.Imaging;
using Fovea.IO;
using Fovea.Vision.Models;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Fovea.Cli.Commands;

/// <summary><c>fovea predict</c>: top-k classes with probabilities for image or NPY files.</summary>
public sealed class PredictCommand : Command<PredictCommand.Settings>
{
    public sealed class Settings : CommonSettings
    {
        [CommandOption("--checkpoint <FILE>")][Description("A checkpoint written by `fovea train`.")]
        public string? Checkpoint { get; set; }
        [CommandArgument(0, "<INPUT>")][Description("PNG/JPEG/BMP/WebP images or .npy arrays ([H,W], [C,H,W] or [1,C,H,W], values in [0,1]).")]
        public string[] Inputs { get; set; } = [];
        [CommandOption("--top <K>")][Description("How many classes to show (default 3).")]
        public int Top { get; set; } = 3;

        public override ValidationResult Validate()
        {
            if (Checkpoint is null) return ValidationResult.Error("--checkpoint FILE is required.");
            if (Top < 1) return ValidationResult.Error($"--top must be at least 1, got {Top}.");
            return ValidationResult.Success();
        }
    }

    public override int Execute(CommandContext context, Settings s, CancellationToken cancellationToken)
    {
        s.ApplyThreads();
        var (model, spec) = ModelSpec.LoadCheckpoint(s.Checkpoint!);
        int k = Math.Min(s.Top, spec.NumClasses);
        var results = new JsonArray();
        var table = new Table().AddColumns("input", "prediction", "probability", $"top {k}");
        foreach (var path in s.Inputs)
        {
            var x = LoadInput(path, spec);
            Tensor probs;
            using (Autograd.NoGrad()) probs = Ops.Softmax(model.Call(x), 1);
            var p = probs.ToArray();
            var order = Enumerable.Range(0, p.Length).OrderByDescending(i => p[i]).Take(k).ToArray();
            results.Add(new JsonObject
            {
                ["input"] = path,
                ["top"] = new JsonArray([.. order.Select(i => (JsonNode)new JsonObject { ["class"] = spec.ClassNames[i], ["index"] = i, ["probability"] = p[i] })]),
            });
            table.AddRow(Markup.Escape(path), $"[bold]{Markup.Escape(spec.ClassNames[order[0]])}[/]", p[order[0]].ToString("P1"),
                Markup.Escape(string.Join(", ", order.Select(i => $"{spec.ClassNames[i]} {p[i]:P1}"))));
        }
        if (s.Json) Console.WriteLine(new JsonObject { ["checkpoint"] = s.Checkpoint, ["predictions"] = results }.ToJsonString());
        else AnsiConsole.Write(table);
        return 0;
    }

    /// <summary>Reads one input as the [1, C, S, S] normalised batch the model expects.</summary>
    static Tensor LoadInput(string path, ModelSpec spec)
    {
        var x = InputImages.LoadPixels(path, spec);
        int c = spec.InChannels, n = spec.ImageSize;
        return new Normalize(spec.Mean, spec.Std).Apply(x.Reshape(c, n, n)).Reshape(1, c, n, n);
    }
}
