namespace Fovea.Kernels;

/// <summary>
/// How many threads the kernels may use, and the one helper they split work with. A kernel cuts its outer blocks into
/// at most <see cref="MaxThreads"/> coarse chunks and runs them on the thread pool (the caller runs one chunk itself),
/// so no thread is started per call. Results never depend on the thread count beyond float rounding (GEMM: not at all).
/// </summary>
public static class Parallelism
{
    static int maxThreads = Environment.ProcessorCount;

    /// <summary>Upper bound on the threads a kernel uses (default <see cref="Environment.ProcessorCount"/>; at least 1).</summary>
    public static int MaxThreads
    {
        get => Volatile.Read(ref maxThreads);
        set
        {
            if (value < 1) throw new ArgumentException($"Parallelism.MaxThreads: must be at least 1, got {value}.");
            Volatile.Write(ref maxThreads, value);
        }
    }

    /// <summary>One chunk of a parallel loop; a struct, so that the loop body costs no delegate per chunk.</summary>
    internal interface IChunk
    {
        void Run(int index);
    }

    /// <summary>Runs <c>body.Run(i)</c> for i in [0, count) on up to <paramref name="count"/> threads; returns when all are done.</summary>
    internal static void For<T>(int count, T body) where T : struct, IChunk
    {
        if (count <= 0) return;
        if (count == 1) { body.Run(0); return; }
        Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = count }, i => body.Run(i));
    }
}
