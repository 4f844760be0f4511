using System.ComponentModel;
using System.Text.Json.Nodes;
using Fovea.Kernels;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Fovea.Cli.Commands;

/// <summary><c>fovea bench gemm</c>: single-precision GEMM GFLOP/s (median after warm-up).</summary>
public sealed class BenchGemmCommand : Command<BenchGemmCommand.Settings>
{
    public sealed class Settings : CommonSettings
    {
        [CommandOption("--sizes <LIST>")][Description("Comma-separated square sizes (default 512,1024,2048).")]
        public string Sizes { get; set; } = "512,1024,2048";
        [CommandOption("--reps <N>")][Description("Timed repetitions per size (default 10).")]
        public int Reps { get; set; } = 10;
    }

    public override int Execute(CommandContext context, Settings s, CancellationToken cancellationToken)
    {
        var sizes = BenchUtil.ParseInts(s.Sizes, "--sizes");
        int threads = s.Threads ?? Parallelism.MaxThreads;
        var table = new Table().AddColumns("m=n=k", "threads", "median ms", "GFLOP/s");
        foreach (int n in sizes)
        {
            var (ms, gflops) = GemmBench.Run(n, n, n, threads, s.Reps);
            if (s.Json) Console.WriteLine(new JsonObject { ["kind"] = "gemm", ["m"] = n, ["n"] = n, ["k"] = n, ["threads"] = threads, ["gflops"] = Math.Round(gflops, 2), ["ms"] = Math.Round(ms, 4) }.ToJsonString());
            else table.AddRow(n.ToString(), threads.ToString(), ms.ToString("F3"), gflops.ToString("F1"));
        }
        if (!s.Json) AnsiConsole.Write(table);
        return 0;
    }
}
