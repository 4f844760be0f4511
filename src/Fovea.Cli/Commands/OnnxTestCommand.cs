using System.ComponentModel;
using System.Text.Json.Nodes;
using Fovea.Onnx;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Fovea.Cli.Commands;

/// <summary><c>fovea onnx test DIR</c>: runs ONNX backend test folders and reports passed/failed/unsupported.</summary>
public sealed class OnnxTestCommand : Command<OnnxTestCommand.Settings>
{
    public sealed class Settings : CommonSettings
    {
        [CommandArgument(0, "<DIR>")][Description("A test folder (model.onnx + test_data_set_*) or a folder of them, e.g. /usr/share/libonnx-testdata/data/node.")]
        public string Dir { get; set; } = "";

        [CommandOption("--exclusions <FILE>")][Description("Tests to skip, one per line with a reason (e.g. tools/onnx/exclusions.txt).")]
        public string? Exclusions { get; set; }

        [CommandOption("--all")][Description("List passed tests in the table too.")]
        public bool All { get; set; }
    }

    public override int Execute(CommandContext context, Settings s, CancellationToken cancellationToken)
    {
        s.ApplyThreads();
        var ex = s.Exclusions is null ? null : OnnxConformance.ReadExclusions(s.Exclusions);
        var r = OnnxConformance.Run(s.Dir, ex);
        if (s.Json)
        {
            var tests = new JsonArray();
            foreach (var t in r.Tests)
            {
                var o = new JsonObject { ["name"] = t.Name, ["status"] = t.Status, ["max_abs_err"] = t.MaxAbsErr is double d && double.IsFinite(d) ? d : null };
                if (t.Message is not null) o["message"] = t.Message;
                tests.Add(o);
            }
            Console.WriteLine(new JsonObject
            {
                ["passed"] = r.Passed, ["failed"] = r.Failed, ["unsupported"] = r.Unsupported, ["excluded"] = r.Excluded, ["tests"] = tests,
            }.ToJsonString());
            return r.Failed == 0 ? 0 : 1;
        }
        var table = new Table().AddColumn("test").AddColumn("status").AddColumn("max abs err").AddColumn("detail");
        foreach (var t in r.Tests)
        {
            if (t.Status == OnnxConformance.Passed && !s.All) continue;
            string color = t.Status switch { "passed" => "green", "failed" => "red", "excluded" => "grey", _ => "yellow" };
            string detail = t.Message ?? "";
            if (detail.Length > 100) detail = detail[..100] + "…";
            table.AddRow(Markup.Escape(t.Name), $"[{color}]{t.Status}[/]", t.MaxAbsErr is double d ? d.ToString("G3") : "", Markup.Escape(detail));
        }
        if (table.Rows.Count > 0) AnsiConsole.Write(table);
        AnsiConsole.MarkupLine($"[green]{r.Passed} passed[/], [red]{r.Failed} failed[/], [yellow]{r.Unsupported} unsupported[/], [grey]{r.Excluded} excluded[/] of {r.Tests.Count} (rtol {OnnxConformance.Rtol:G}, atol {OnnxConformance.Atol:G})");
        return r.Failed == 0 ? 0 : 1;
    }
}
