using System.Diagnostics;

namespace Fovea.Kernels;

/// <summary>
/// How many threads the kernels may use, and the one helper they split work with. A kernel cuts its outer blocks into
/// at most <see cref="MaxThreads"/> coarse chunks; the caller runs chunks itself while a few persistent worker threads
/// take the others, so no thread is started per call and a call costs a few microseconds, not the tens that waking a
/// thread-pool thread costs (bench/NOTES.md). Results never depend on the thread count beyond float rounding
/// (GEMM: not at all).
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

    /// <summary>
    /// Runs <c>body.Run(i)</c> for i in [0, count) on up to <paramref name="count"/> threads and returns when all are
    /// done (exceptions come back as an <see cref="AggregateException"/>). One loop at a time uses the persistent
    /// workers; a nested or concurrent loop falls back to <see cref="Parallel.For(int, int, Action{int})"/>.
    /// </summary>
    internal static void For<T>(int count, T body) where T : struct, IChunk
    {
        if (count <= 0) return;
        if (count == 1) { body.Run(0); return; }
        if (!Workers.TryRun(count, body))
            Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = count }, i => body.Run(i));
    }

    /// <summary>Persistent worker threads: after a loop they spin for <see cref="SpinMicroseconds"/> waiting for the next
    /// one (back-to-back kernel calls then start at once), then sleep on a semaphore.</summary>
    static class Workers
    {
        const double SpinMicroseconds = 200;
        static readonly SemaphoreSlim Wake = new(0);
        static readonly object StartLock = new();
        static int busy, sleeping, started;
        static long generation;
        static Job? current;

        abstract class Job(int count)
        {
            readonly int count = count;
            int next, remaining = count;
            Exception? error;

            protected abstract void RunChunk(int index);

            /// <summary>Claims and runs chunks until none is left; safe to call late (a finished job has none left).</summary>
            public void Work()
            {
                int i;
                while ((i = Interlocked.Increment(ref next) - 1) < count)
                {
                    try { RunChunk(i); }
                    catch (Exception e) { Interlocked.CompareExchange(ref error, e, null); }
                    Interlocked.Decrement(ref remaining);
                }
            }

            public bool Done => Volatile.Read(ref remaining) == 0;
            public Exception? Error => error;
        }

        sealed class Job<T>(int count, T body) : Job(count) where T : struct, IChunk
        {
            readonly T body = body;
            protected override void RunChunk(int index) => body.Run(index);
        }

        public static bool TryRun<T>(int count, T body) where T : struct, IChunk
        {
            if (Interlocked.CompareExchange(ref busy, 1, 0) != 0) return false;
            try
            {
                EnsureStarted(Math.Min(count - 1, 63));
                var job = new Job<T>(count, body);
                Volatile.Write(ref current, job);
                Interlocked.Increment(ref generation);
                int asleep = Volatile.Read(ref sleeping);
                if (asleep > 0) Wake.Release(Math.Min(asleep, count - 1));
                job.Work();
                WaitUntilDone(job);
                Volatile.Write(ref current, null);
                if (job.Error is { } e) throw new AggregateException(e);
                return true;
            }
            finally { Volatile.Write(ref busy, 0); }
        }

        // The other chunks usually end within microseconds of the caller's: poll with single pauses for a while (a
        // SpinWait escalates to sched_yield after a few rounds, which costs more than the wait), then back off.
        static void WaitUntilDone(Job job)
        {
            for (int i = 0; i < PollsBeforeBackOff && !job.Done; i++) Thread.SpinWait(1);
            var spin = new SpinWait();
            while (!job.Done) spin.SpinOnce(sleep1Threshold: -1);
        }

        const int PollsBeforeBackOff = 4096;

        static void EnsureStarted(int wanted)
        {
            if (Volatile.Read(ref started) >= wanted) return;
            lock (StartLock)
                while (started < wanted)
                {
                    new Thread(Loop) { IsBackground = true, Name = $"Fovea kernel worker {started + 1}" }.Start();
                    started++;
                }
        }

        static void Loop()
        {
            long seen = Volatile.Read(ref generation);
            while (true)
            {
                long idleSince = Stopwatch.GetTimestamp();
                long g;
                while ((g = Volatile.Read(ref generation)) == seen)
                {
                    if (Stopwatch.GetElapsedTime(idleSince).TotalMicroseconds < SpinMicroseconds)
                    {
                        // Single pauses between looks, so that a new loop is seen within tens of nanoseconds.
                        for (int i = 0; i < 32 && Volatile.Read(ref generation) == seen; i++) Thread.SpinWait(1);
                        continue;
                    }
                    Interlocked.Increment(ref sleeping);
                    if (Volatile.Read(ref generation) == seen) Wake.Wait();
                    Interlocked.Decrement(ref sleeping);
                    idleSince = Stopwatch.GetTimestamp();
                }
                seen = g;
                Volatile.Read(ref current)?.Work();
            }
        }
    }
}
