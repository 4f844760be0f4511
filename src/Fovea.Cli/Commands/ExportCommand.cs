using System.ComponentModel;
using System.Text.Json.Nodes;
using Fovea.Onnx;
using Google.Protobuf;
using Fovea.Vision.Models;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Fovea.Cli.Commands;

/// <summary>
/// <c>fovea export --checkpoint F --onnx OUT.onnx</c>: writes a trained checkpoint as an ONNX model, with its input
/// normalisation in the metadata_props fovea.mean and fovea.std (see <see cref="OnnxModelSpec"/>).
/// </summary>
public sealed class ExportCommand : Command<ExportCommand.Settings>
{
    public sealed class Settings : CommonSettings
    {
        [CommandOption("--checkpoint <FILE>")][Description("A checkpoint written by `fovea train`.")]
        public string? Checkpoint { get; set; }

        [CommandOption("--onnx <FILE>")][Description("The ONNX file to write.")]
        public string? Onnx { get; set; }

        [CommandOption("--opset <N>")][Description("ONNX opset to write (11 to 17, default 13).")]
        public int Opset { get; set; } = 13;

        public override ValidationResult Validate() =>
            Checkpoint is null ? ValidationResult.Error("--checkpoint FILE is required.")
            : Onnx is null ? ValidationResult.Error("--onnx OUT.onnx is required.") : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings s, CancellationToken cancellationToken)
    {
        var (model, spec) = ModelSpec.LoadCheckpoint(s.Checkpoint!);
        var sample = Tensor.Zeros(1, spec.InChannels, spec.ImageSize, spec.ImageSize);
        var proto = OnnxExport.ToProto(model, sample, s.Opset);
        OnnxModelSpec.WriteNormalization(proto, spec);     // `fovea train --init OUT.onnx` reads it back
        string dir = Path.GetDirectoryName(Path.GetFullPath(s.Onnx!))!;
        Directory.CreateDirectory(dir);
        File.WriteAllBytes(s.Onnx!, proto.ToByteArray());
        // Check the file: re-import it and compare with the model on a random input.
        var x = Tensor.Rand(new Generator(0), 2, spec.InChannels, spec.ImageSize, spec.ImageSize);
        double err;
        using (Autograd.NoGrad())
        {
            var (e, _, _) = OnnxConformance.Compare(model.Eval().Call(x), OnnxModel.Load(s.Onnx!).Forward(x));
            err = e;
        }
        long bytes = new FileInfo(s.Onnx!).Length;
        if (s.Json)
        {
            Console.WriteLine(new JsonObject { ["checkpoint"] = s.Checkpoint, ["onnx"] = s.Onnx, ["opset"] = s.Opset, ["bytes"] = bytes, ["reimport_max_abs_err"] = err, ["model"] = spec.ToJson() }.ToJsonString());
            return 0;
        }
        AnsiConsole.MarkupLine($"wrote [bold]{Markup.Escape(s.Onnx!)}[/] ({bytes:N0} bytes, opset {s.Opset}, input [[N,{spec.InChannels},{spec.ImageSize},{spec.ImageSize}]]); re-imported max abs difference {err:G3}");
        return 0;
    }
}
