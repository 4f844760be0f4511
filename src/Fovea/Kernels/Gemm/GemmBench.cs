using System.Diagnostics;

namespace Fovea.Kernels;

/// <summary>A plain timing helper for <see cref="Gemm.Sgemm(bool, bool, int, int, int, float, ReadOnlySpan{float}, int, ReadOnlySpan{float}, int, float, Span{float}, int)"/>
/// (used by <c>fovea bench gemm</c>; BenchmarkDotNet lives in bench/Fovea.Benchmarks).</summary>
public static class GemmBench
{
    /// <summary>
    /// Times C = A·B (row-major, no transposes, alpha 1, beta 0) for an m×k by k×n product on <paramref name="threads"/>
    /// threads (0: <see cref="Parallelism.MaxThreads"/>): warms up (at least 3 calls and 0.2 s, so the JIT has optimised
    /// everything), then times <paramref name="reps"/> calls and returns the median in milliseconds and the GFLOP/s
    /// (2mnk / median) it implies.
    /// </summary>
    public static (double MedianMs, double GFlops) Run(int m, int n, int k, int threads = 0, int reps = 10)
    {
        if (m < 1 || n < 1 || k < 1) throw new ArgumentException($"GemmBench.Run: sizes must be positive, got m={m} n={n} k={k}.");
        if (reps < 1) throw new ArgumentException($"GemmBench.Run: reps must be positive, got {reps}.");
        if (threads < 0) throw new ArgumentException($"GemmBench.Run: threads must be 0 (default) or positive, got {threads}.");
        if (threads == 0) threads = Parallelism.MaxThreads;
        var a = new float[(long)m * k];
        var b = new float[(long)k * n];
        var c = new float[(long)m * n];
        var rng = new Random(1234);
        for (int i = 0; i < a.Length; i++) a[i] = (float)rng.NextDouble() - 0.5f;
        for (int i = 0; i < b.Length; i++) b[i] = (float)rng.NextDouble() - 0.5f;

        var sw = Stopwatch.StartNew();
        for (int w = 0; w < 3 || (sw.Elapsed.TotalSeconds < 0.2 && w < 1000); w++) Call(m, n, k, a, b, c, threads);
        var times = new double[reps];
        for (int r = 0; r < reps; r++)
        {
            long t0 = Stopwatch.GetTimestamp();
            Call(m, n, k, a, b, c, threads);
            times[r] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
        }
        Array.Sort(times);
        double median = reps % 2 == 1 ? times[reps / 2] : 0.5 * (times[reps / 2 - 1] + times[reps / 2]);
        return (median, 2.0 * m * n * k / (median * 1e6));
    }

    static unsafe void Call(int m, int n, int k, float[] a, float[] b, float[] c, int threads)
    {
        fixed (float* pa = a, pb = b, pc = c)
            Gemm.Execute(new Gemm.Args(false, false, m, n, k, 1f, pa, k, pb, n, 0f, pc, n, null, null, GemmActivation.None),
                Gemm.Choose(m, n), threads);
    }
}
