using System.ComponentModel;
using System.Text.Json.Nodes;
using Fovea.Onnx;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Fovea.Cli.Commands;

/// <summary><c>fovea onnx info MODEL</c>: inputs, outputs, opset, operator histogram and parameter count.</summary>
public sealed class OnnxInfoCommand : Command<OnnxInfoCommand.Settings>
{
    public sealed class Settings : CommonSettings
    {
        [CommandArgument(0, "<MODEL>")][Description("An .onnx file.")]
        public string Model { get; set; } = "";
    }

    public override int Execute(CommandContext context, Settings s, CancellationToken cancellationToken)
    {
        var m = OnnxModel.Load(s.Model);
        var hist = m.OperatorHistogram;
        if (s.Json)
        {
            var ops = new JsonObject();
            foreach (var (k, v) in hist) ops[k] = v;
            static JsonArray Values(IEnumerable<OnnxValueInfo> vs) =>
                [.. vs.Select(v => (JsonNode)new JsonObject { ["name"] = v.Name, ["type"] = v.ElementType, ["dims"] = new JsonArray([.. v.Dims.Select(d => (JsonNode)d)]) })];
            Console.WriteLine(new JsonObject
            {
                ["model"] = s.Model, ["opset"] = m.Opset, ["ir_version"] = m.IrVersion, ["producer"] = m.Producer,
                ["inputs"] = Values(m.Inputs), ["outputs"] = Values(m.Outputs), ["operators"] = ops,
                ["nodes"] = hist.Values.Sum(), ["parameters"] = m.ParameterCount,
            }.ToJsonString());
            return 0;
        }
        AnsiConsole.MarkupLine($"[bold]{Markup.Escape(Path.GetFileName(s.Model))}[/]: opset {m.Opset}, IR {m.IrVersion}, producer '{Markup.Escape(m.Producer)}'");
        foreach (var i in m.Inputs) AnsiConsole.MarkupLine($"  input   {Markup.Escape(i.ToString())}");
        foreach (var o in m.Outputs) AnsiConsole.MarkupLine($"  output  {Markup.Escape(o.ToString())}");
        var t = new Table().AddColumn("operator").AddColumn(new TableColumn("nodes").RightAligned());
        foreach (var (k, v) in hist) t.AddRow(Markup.Escape(k), v.ToString());
        AnsiConsole.Write(t);
        AnsiConsole.MarkupLine($"{hist.Values.Sum()} nodes, {m.ParameterCount:N0} parameters ({m.NamedParameters().Count()} tensors), {m.NamedBuffers().Count()} buffers");
        return 0;
    }
}
