using System.Diagnostics;
using System.Globalization;
using Fovea.Kernels;
using Fovea.Onnx;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Fovea.Benchmarks;

/// <summary>
/// <c>-- onnx DIR [--reps N] [--warmup N] [--threads T]</c>: for every DIR/MODEL/model.onnx (tools/onnx/export_torchvision.py),
/// times Fovea's <see cref="OnnxModule"/> forward and ONNX Runtime's session run one after the other at batch 1
/// (3x224x224, the same seeded input), T threads each (default 2: Parallelism.MaxThreads, IntraOpNumThreads with
/// InterOpNumThreads 1, sequential, all graph optimisations), and prints the median ms per image after warm-up as a
/// markdown table, with the largest absolute difference between the two outputs as a check that both ran the same model.
/// </summary>
public static class OnnxVsOrt
{
    public static void Run(string[] args)
    {
        if (args.Length == 0 || args[0].StartsWith('-'))
        {
            Console.Error.WriteLine("usage: onnx DIR [--reps N] [--warmup N] [--threads T]   (DIR as written by tools/onnx/export_torchvision.py)");
            Environment.Exit(2);
        }
        string dir = args[0];
        int reps = Option(args, "--reps", 20), warmup = Option(args, "--warmup", 3), threads = Option(args, "--threads", 2);
        var models = Directory.GetDirectories(dir).Where(d => File.Exists(Path.Combine(d, "model.onnx"))).Order(StringComparer.Ordinal).ToArray();
        if (models.Length == 0) { Console.Error.WriteLine($"onnx: no MODEL/model.onnx under {dir}"); Environment.Exit(1); }

        var gen = new Generator(1);
        var x = Tensor.Rand(gen, 1, 3, 224, 224);
        var data = x.ToArray();
        Parallelism.MaxThreads = threads;
        Console.WriteLine($"batch 1, 3x224x224, {threads} threads each, median of {reps} runs after {warmup} warm-up runs; {Environment.ProcessorCount} logical CPUs");
        Console.WriteLine();
        Console.WriteLine("| model | Fovea ms | ORT ms | ratio (Fovea/ORT) | max abs diff |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        foreach (var m in models)
        {
            string name = Path.GetFileName(m), path = Path.Combine(m, "model.onnx");

            // Fovea first, then ONNX Runtime: never both at once.
            var fovea = OnnxModel.Load(path);
            fovea.Eval();
            float[] fy = [];
            double foveaMs;
            using (Autograd.NoGrad())
                foveaMs = Median(warmup, reps, () => fy = fovea.Forward(x).ToArray());
            fovea = null;
            GC.Collect();

            using var opts = new SessionOptions
            {
                IntraOpNumThreads = threads, InterOpNumThreads = 1,
                ExecutionMode = ExecutionMode.ORT_SEQUENTIAL, GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            };
            using var session = new InferenceSession(path, opts);
            var inputs = new List<NamedOnnxValue> { NamedOnnxValue.CreateFromTensor(session.InputMetadata.Keys.First(), new DenseTensor<float>(data, [1, 3, 224, 224])) };
            float[] oy = [];
            double ortMs = Median(warmup, reps, () =>
            {
                using var r = session.Run(inputs);
                oy = r.First().AsEnumerable<float>().ToArray();
            });
            double diff = 0;
            for (int i = 0; i < Math.Min(fy.Length, oy.Length); i++) diff = Math.Max(diff, Math.Abs(fy[i] - oy[i]));
            if (fy.Length != oy.Length) diff = double.NaN;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {foveaMs:F1} | {ortMs:F1} | {foveaMs / ortMs:F2} | {diff:G2} |"));
        }
    }

    static double Median(int warmup, int reps, Action run)
    {
        for (int i = 0; i < warmup; i++) run();
        var t = new double[reps];
        for (int i = 0; i < reps; i++)
        {
            long start = Stopwatch.GetTimestamp();
            run();
            t[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        Array.Sort(t);
        return reps % 2 == 1 ? t[reps / 2] : (t[reps / 2 - 1] + t[reps / 2]) / 2;
    }

    static int Option(string[] args, string name, int fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
