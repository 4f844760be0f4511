namespace Fovea.Kernels;

/// <summary>Runs a body over ranges of independent planes (N·C), in coarse parallel chunks when the work is large.</summary>
internal static class PlaneLoop
{
    /// <summary>Work (roughly, elements touched) below which one thread does everything.</summary>
    internal const long ParallelThreshold = 1 << 16;

    /// <summary>A loop body over planes [lo, hi); a struct, so that a call allocates no closure.</summary>
    internal interface IBody
    {
        void Run(int lo, int hi);
    }

    /// <summary>Calls <paramref name="body"/>(lo, hi) over [0, planes) split into at most one chunk per core.</summary>
    public static void Run(int planes, long workPerPlane, Action<int, int> body)
    {
        var b = new DelegateBody(body);
        Run(planes, workPerPlane, ref b);
    }

    /// <summary>Same as <see cref="Run(int, long, Action{int, int})"/> with a struct body; chunks run through <see cref="Parallelism.For{T}"/>.</summary>
    public static void Run<T>(int planes, long workPerPlane, ref T body) where T : struct, IBody
    {
        long total = planes * Math.Max(workPerPlane, 1);
        int chunks = (int)Math.Min(Math.Min(planes, Parallelism.MaxThreads), Math.Max(1, total / ParallelThreshold));
        if (chunks <= 1) { body.Run(0, planes); return; }
        Parallelism.For(chunks, new Chunk<T>(body, planes, chunks));
    }

    readonly struct Chunk<T>(T body, int planes, int chunks) : Parallelism.IChunk where T : struct, IBody
    {
        public void Run(int c)
        {
            int lo = (int)((long)planes * c / chunks), hi = (int)((long)planes * (c + 1) / chunks);
            if (hi > lo) body.Run(lo, hi);
        }
    }

    readonly struct DelegateBody(Action<int, int> body) : IBody
    {
        public void Run(int lo, int hi) => body(lo, hi);
    }
}
