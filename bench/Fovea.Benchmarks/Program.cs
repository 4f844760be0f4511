using BenchmarkDotNet.Running;
using Fovea.Kernels;

namespace Fovea.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project bench/Fovea.Benchmarks -- [BenchmarkDotNet args]</c> runs BenchmarkDotNet;
/// <c>-- quick [sizes...]</c> prints GemmBench.Run at 1 and 2 threads (seconds, not minutes);
/// <c>-- tune</c> compares micro-kernels and block sizes (the measurements in bench/NOTES.md);
/// <c>-- onnx DIR</c> times Fovea's ONNX import against ONNX Runtime on the torchvision models (<see cref="OnnxVsOrt"/>).
/// </summary>
public static class Program
{
    public static void Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "quick") { Quick(args.Skip(1).Select(int.Parse).ToArray()); return; }
        if (args.Length > 0 && args[0] == "tune") { Tuning.Run(args.Skip(1).ToArray()); return; }
        if (args.Length > 0 && args[0] == "onnx") { OnnxVsOrt.Run(args.Skip(1).ToArray()); return; }
        if (args.Length > 0 && args[0] == "profile") { TrainStepProfile.Run(args.Skip(1).ToArray()); return; }
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }

    static void Quick(int[] sizes)
    {
        if (sizes.Length == 0) sizes = [512, 1024, 2048];
        Console.WriteLine($"kernels {Gemm.Hardware} family, Mc={Gemm.Mc} Kc={Gemm.Kc} Nc={Gemm.Nc}");
        foreach (int threads in new[] { 1, 2 })
            foreach (int n in sizes)
            {
                var (ms, gf) = GemmBench.Run(n, n, n, threads, n <= 512 ? 41 : n <= 1024 ? 15 : 7);
                Console.WriteLine($"n={n,5} threads={threads}: {ms,9:F3} ms  {gf,6:F1} GFLOP/s  ({Gemm.Choose(n, n)})");
            }
    }
}
