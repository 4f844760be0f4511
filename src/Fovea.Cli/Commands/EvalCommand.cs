using System.ComponentModel;
using System.Text.Json.Nodes;
using Fovea.Data;
using Fovea.Data.Transforms;
using Fovea.Training;
using Fovea.Vision.Models;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Fovea.Cli.Commands;

/// <summary><c>fovea eval</c>: accuracy, per-class accuracy and the confusion matrix of a checkpoint on a test set.</summary>
public sealed class EvalCommand : Command<EvalCommand.Settings>
{
    public sealed class Settings : CommonSettings
    {
        [CommandOption("--checkpoint <FILE>")][Description("A model.ckpt, best.ckpt or last.ckpt written by `fovea train`.")]
        public string? Checkpoint { get; set; }
        [CommandOption("--dataset <NAME>")][Description("fashion-mnist (default), mnist, cifar10, cifar100, folder.")]
        public string? Dataset { get; set; }
        [CommandOption("--data <DIR>")][Description("Data folder (default: the embedded Fashion-MNIST test subset).")]
        public string? Data { get; set; }
        [CommandOption("--confusion <PNG>")][Description("Also write the confusion matrix as a PNG.")]
        public string? ConfusionPng { get; set; }

        public override ValidationResult Validate() =>
            Checkpoint is null ? ValidationResult.Error("--checkpoint FILE is required.") : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings s, CancellationToken cancellationToken)
    {
        s.ApplyThreads();
        var (model, spec) = ModelSpec.LoadCheckpoint(s.Checkpoint!);
        var src = DataSources.Resolve(s.Dataset, s.Data);
        var test = src.Test;
        if (test.NumClasses > spec.NumClasses)
            throw new ShapeMismatchException($"The data set has {test.NumClasses} classes but the model predicts {spec.NumClasses}.");
        var shape = test.SampleShape;
        int c = shape.Rank == 3 ? shape[0] : 1;
        var transforms = new List<Transform>();
        if (c != spec.InChannels) transforms.Add(spec.InChannels == 1 ? new ToGrey() : new ToRgb());
        if (shape[^1] != spec.ImageSize || shape[^2] != spec.ImageSize) transforms.Add(new Resize(spec.ImageSize));
        transforms.Add(new Normalize(spec.Mean, spec.Std));
        var r = Evaluator.Evaluate(model, new DataLoader(test, 256, transforms: transforms), numClasses: spec.NumClasses);
        if (s.ConfusionPng != null) Imaging.Plots.ConfusionMatrix(s.ConfusionPng, r.Confusion, spec.ClassNames, $"{spec.Name}");

        var perClass = r.PerClassAccuracy();
        if (s.Json)
        {
            var pc = new JsonObject();
            for (int i = 0; i < perClass.Length; i++) pc[spec.ClassNames[i]] = double.IsNaN(perClass[i]) ? null : perClass[i];
            var cm = new JsonArray();
            for (int i = 0; i < spec.NumClasses; i++)
                cm.Add(new JsonArray([.. Enumerable.Range(0, spec.NumClasses).Select(j => (JsonNode)r.Confusion[i, j])]));
            Console.WriteLine(new JsonObject
            {
                ["checkpoint"] = s.Checkpoint, ["model"] = spec.Name, ["dataset"] = src.Name, ["images"] = r.Count,
                ["accuracy"] = r.Accuracy, ["loss"] = r.Loss, [$"top{r.TopK}_accuracy"] = r.TopKAccuracy,
                ["per_class_accuracy"] = pc, ["confusion"] = cm,
            }.ToJsonString());
            return 0;
        }
        AnsiConsole.MarkupLine($"[bold]{Markup.Escape(spec.Name)}[/] on {Markup.Escape(src.Description)}: accuracy [bold]{r.Accuracy:P2}[/], top-{r.TopK} {r.TopKAccuracy:P2}, loss {r.Loss:F4} ({r.Count:N0} images)");
        var table = new Table().AddColumn("truth \\ predicted");
        for (int j = 0; j < spec.NumClasses; j++) table.AddColumn(new TableColumn(Markup.Escape(Short(spec.ClassNames[j]))).RightAligned());
        table.AddColumn(new TableColumn("accuracy").RightAligned());
        for (int i = 0; i < spec.NumClasses; i++)
        {
            var row = new List<string> { Markup.Escape(spec.ClassNames[i]) };
            for (int j = 0; j < spec.NumClasses; j++) row.Add(i == j ? $"[green]{r.Confusion[i, j]}[/]" : r.Confusion[i, j] == 0 ? "[grey]0[/]" : r.Confusion[i, j].ToString());
            row.Add(double.IsNaN(perClass[i]) ? "-" : perClass[i].ToString("P1"));
            table.AddRow([.. row]);
        }
        AnsiConsole.Write(table);
        return 0;
    }

    static string Short(string name) => name.Length <= 8 ? name : name[..7] + ".";
}
