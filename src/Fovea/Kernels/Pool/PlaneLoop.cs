namespace Fovea.Kernels;

/// <summary>Runs a body over ranges of independent planes (N·C), in coarse parallel chunks when the work is large.</summary>
internal static class PlaneLoop
{
    /// <summary>Work (roughly, elements touched) below which one thread does everything.</summary>
    internal const long ParallelThreshold = 1 << 16;

    /// <summary>Calls <paramref name="body"/>(lo, hi) over [0, planes) split into at most one chunk per core.</summary>
    public static void Run(int planes, long workPerPlane, Action<int, int> body)
    {
        long total = planes * Math.Max(workPerPlane, 1);
        int chunks = (int)Math.Min(Math.Min(planes, Environment.ProcessorCount), Math.Max(1, total / ParallelThreshold));
        if (chunks <= 1) { body(0, planes); return; }
        Parallel.For(0, chunks, c =>
        {
            int lo = (int)((long)planes * c / chunks), hi = (int)((long)planes * (c + 1) / chunks);
            if (hi > lo) body(lo, hi);
        });
    }
}
