using System.ComponentModel;
using System.Text.Json.Nodes;
using Fovea.Vision.Models;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Fovea.Cli.Commands;

/// <summary><c>fovea info</c>: a checkpoint's architecture summary.</summary>
public sealed class InfoCommand : Command<InfoCommand.Settings>
{
    public sealed class Settings : CommonSettings
    {
        [CommandOption("--checkpoint <FILE>")][Description("A checkpoint written by `fovea train`.")]
        public string? Checkpoint { get; set; }

        public override ValidationResult Validate() =>
            Checkpoint is null ? ValidationResult.Error("--checkpoint FILE is required.") : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings s, CancellationToken cancellationToken)
    {
        var (model, spec) = ModelSpec.LoadCheckpoint(s.Checkpoint!);
        string summary = model.Summary(1, spec.InChannels, spec.ImageSize, spec.ImageSize);
        if (s.Json)
        {
            Console.WriteLine(new JsonObject
            {
                ["checkpoint"] = s.Checkpoint, ["model"] = spec.ToJson(),
                ["parameters"] = model.Parameters().Sum(p => (long)p.Numel), ["summary"] = summary,
            }.ToJsonString());
            return 0;
        }
        AnsiConsole.MarkupLine($"[bold]{Markup.Escape(spec.Name)}[/]: input [[1,{spec.InChannels},{spec.ImageSize},{spec.ImageSize}]], {spec.NumClasses} classes ({Markup.Escape(string.Join(", ", spec.ClassNames))})");
        Console.WriteLine(summary);
        return 0;
    }
}
