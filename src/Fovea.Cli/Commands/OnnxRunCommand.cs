using System.ComponentModel;
using System.Text.Json.Nodes;
using Fovea.IO;
using Fovea.Onnx;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Fovea.Cli.Commands;

/// <summary><c>fovea onnx run MODEL --input NAME=FILE.npy ... [--out DIR]</c>: runs a model on NPY inputs.</summary>
public sealed class OnnxRunCommand : Command<OnnxRunCommand.Settings>
{
    public sealed class Settings : CommonSettings
    {
        [CommandArgument(0, "<MODEL>")][Description("An .onnx file.")]
        public string Model { get; set; } = "";

        [CommandOption("--input <NAME=FILE>")][Description("A graph input from an .npy file; repeat for several inputs. NAME= may be left out for a single-input model.")]
        public string[] Inputs { get; set; } = [];

        [CommandOption("--out <DIR>")][Description("Write every output as DIR/<output name>.npy.")]
        public string? Out { get; set; }

        public override ValidationResult Validate() =>
            Inputs.Length == 0 ? ValidationResult.Error("give at least one --input NAME=FILE.npy.") : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings s, CancellationToken cancellationToken)
    {
        s.ApplyThreads();
        var m = OnnxModel.Load(s.Model);
        var inputs = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var arg in s.Inputs)
        {
            int eq = arg.IndexOf('=');
            string name, file;
            if (eq < 0)
            {
                if (m.Inputs.Count != 1) throw new UsageException($"the model has {m.Inputs.Count} inputs ({string.Join(", ", m.Inputs.Select(i => i.Name))}); write --input NAME=FILE.npy.");
                (name, file) = (m.Inputs[0].Name, arg);
            }
            else (name, file) = (arg[..eq], arg[(eq + 1)..]);
            if (!inputs.TryAdd(name, Npy.Load(file))) throw new UsageException($"input '{name}' is given twice.");
        }
        var sw = System.Diagnostics.Stopwatch.StartNew();
        IReadOnlyDictionary<string, Tensor> outs;
        using (Autograd.NoGrad()) outs = m.Run(inputs);
        sw.Stop();
        var written = new JsonObject();
        if (s.Out is not null)
        {
            Directory.CreateDirectory(s.Out);
            foreach (var (k, v) in outs)
            {
                string safe = string.Concat(k.Select(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' ? c : '_'));
                string p = Path.Combine(s.Out, safe + ".npy");
                Npy.Save(p, v.Contiguous());
                written[k] = p;
            }
        }
        if (s.Json)
        {
            var o = new JsonObject();
            foreach (var (k, v) in outs) o[k] = new JsonObject { ["shape"] = new JsonArray([.. v.Shape.ToArray().Select(d => (JsonNode)d)]), ["file"] = written[k]?.GetValue<string>() };
            Console.WriteLine(new JsonObject { ["model"] = s.Model, ["seconds"] = sw.Elapsed.TotalSeconds, ["outputs"] = o }.ToJsonString());
            return 0;
        }
        foreach (var (k, v) in outs)
        {
            var a = v.Contiguous().ToArray();
            string head = string.Join(", ", a.Take(6).Select(x => x.ToString("G5")));
            AnsiConsole.MarkupLine($"{Markup.Escape(k)} {Markup.Escape(v.Shape.ToString())}: [[{Markup.Escape(head)}{(a.Length > 6 ? ", …" : "")}]]{(written[k] is { } p ? " → " + Markup.Escape(p.GetValue<string>()) : "")}");
        }
        AnsiConsole.MarkupLine($"[grey]{sw.Elapsed.TotalMilliseconds:F1} ms[/]");
        return 0;
    }
}
