using System.ComponentModel;
using System.Text.Json.Nodes;
using Fovea.Onnx;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Fovea.Cli.Commands;

/// <summary><c>fovea onnx check DIR</c>: compares Fovea with reference outputs (tools/onnx/export_torchvision.py).</summary>
public sealed class OnnxCheckCommand : Command<OnnxCheckCommand.Settings>
{
    public sealed class Settings : CommonSettings
    {
        [CommandArgument(0, "<DIR>")][Description("A folder of model folders, each with model.onnx, input.npy, output.npy.")]
        public string Dir { get; set; } = "";

        [CommandOption("--tolerance <REL>")][Description("Largest allowed max|error| / max|expected| (default 1e-4).")]
        public double Tolerance { get; set; } = 1e-4;
    }

    public override int Execute(CommandContext context, Settings s, CancellationToken cancellationToken)
    {
        s.ApplyThreads();
        var r = OnnxReferenceCheck.Run(s.Dir, s.Tolerance);
        if (r.Count == 0) throw new UsageException($"'{s.Dir}' holds no model folders (model.onnx, input.npy, output.npy).");
        if (s.Json)
        {
            static JsonNode? Num(double d) => double.IsFinite(d) ? d : null;
            Console.WriteLine(new JsonObject
            {
                ["tolerance"] = s.Tolerance,
                ["models"] = new JsonArray([.. r.Select(x => (JsonNode)new JsonObject { ["name"] = x.Name, ["status"] = x.Status, ["max_abs_err"] = Num(x.MaxAbsErr), ["max_rel_err"] = Num(x.MaxRelErr), ["message"] = x.Message })]),
            }.ToJsonString());
        }
        else
        {
            var t = new Table().AddColumn("model").AddColumn("status").AddColumn("max abs err").AddColumn("max rel err").AddColumn("detail");
            foreach (var x in r)
                t.AddRow(Markup.Escape(x.Name), x.Status == OnnxConformance.Passed ? "[green]passed[/]" : $"[red]{x.Status}[/]", x.MaxAbsErr.ToString("G3"), x.MaxRelErr.ToString("G3"), Markup.Escape(x.Message ?? ""));
            AnsiConsole.Write(t);
        }
        return r.All(x => x.Status == OnnxConformance.Passed) ? 0 : 1;
    }
}
