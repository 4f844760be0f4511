using System.ComponentModel;
using System.Text.Json.Nodes;
using Fovea.Kernels;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Fovea.Cli.Commands;

/// <summary><c>fovea bench conv</c>: the seven convolution shapes of the PyTorch peer script, batch 32.</summary>
public sealed class BenchConvCommand : Command<BenchConvCommand.Settings>
{
    public sealed class Settings : CommonSettings
    {
        [CommandOption("--reps <N>")][Description("Timed repetitions per shape (default 7).")]
        public int Reps { get; set; } = 7;
        [CommandOption("--only <NAMES>")][Description("Run only these shapes (e.g. d,e).")]
        public string? Only { get; set; }
    }

    public override int Execute(CommandContext context, Settings s, CancellationToken cancellationToken)
    {
        int threads = s.Threads ?? Parallelism.MaxThreads;
        var table = new Table().AddColumns("shape", "fwd ms", "fwd GFLOP/s", "fwd+bwd ms", "fwd+bwd GFLOP/s");
        var results = ConvBench.Run(batch: 32, reps: s.Reps, threads: threads, only: s.Only);
        foreach (var r in results)
        {
            if (s.Json)
                Console.WriteLine(new JsonObject
                {
                    ["kind"] = "conv", ["name"] = r.Case.Name, ["threads"] = threads, ["fwd_ms"] = Math.Round(r.ForwardMs, 4), ["fwdbwd_ms"] = Math.Round(r.ForwardBackwardMs, 4),
                    ["fwd_gflops"] = Math.Round(r.ForwardGFlops, 2), ["fwdbwd_gflops"] = Math.Round(r.ForwardBackwardGFlops, 2),
                }.ToJsonString());
            else table.AddRow(r.Case.Name, r.ForwardMs.ToString("F2"), r.ForwardGFlops.ToString("F1"), r.ForwardBackwardMs.ToString("F2"), r.ForwardBackwardGFlops.ToString("F1"));
        }
        if (!s.Json) AnsiConsole.Write(table);
        return 0;
    }
}
