using Fovea.Kernels;

namespace Fovea.Tests.Kernels;

public class ParallelismTests
{
    sealed class Counts(int n) { public readonly int[] Hits = new int[n]; }

    readonly struct Count(Counts c, bool nested) : Parallelism.IChunk
    {
        public void Run(int index)
        {
            Interlocked.Increment(ref c.Hits[index]);
            if (nested) Parallelism.For(3, new Count(new Counts(3), false));
        }
    }

    readonly struct Throw : Parallelism.IChunk
    {
        public void Run(int index)
        {
            if (index == 1) throw new InvalidOperationException("chunk 1");
        }
    }

    [Fact]
    public void EveryChunkRunsExactlyOnceIncludingNestedAndConcurrentLoops()
    {
        for (int rep = 0; rep < 200; rep++)
            for (int n = 1; n <= 9; n++)
            {
                var c = new Counts(n);
                Parallelism.For(n, new Count(c, nested: rep % 10 == 0));
                Assert.All(c.Hits, h => Assert.Equal(1, h));
            }
        // Several callers at once: one gets the workers, the others fall back to Parallel.For.
        var all = Enumerable.Range(0, 4).Select(_ => new Counts(5)).ToArray();
        Parallel.For(0, 4, t => { for (int r = 0; r < 50; r++) Parallelism.For(5, new Count(all[t], false)); });
        Assert.All(all, c => Assert.All(c.Hits, h => Assert.Equal(50, h)));
    }

    [Fact]
    public void ExceptionsReachTheCallerAndTheWorkersStayUsable()
    {
        var e = Assert.Throws<AggregateException>(() => Parallelism.For(4, new Throw()));
        Assert.Contains("chunk 1", e.InnerExceptions[0].Message);
        var c = new Counts(4);
        Parallelism.For(4, new Count(c, false));
        Assert.All(c.Hits, h => Assert.Equal(1, h));
    }
}
