using Fovea.Kernels;

namespace Fovea.Tests.Kernels;

/// <summary>Tests that change the global <see cref="Parallelism.MaxThreads"/> run alone, so no other test sees the change.</summary>
[CollectionDefinition("Parallelism.MaxThreads", DisableParallelization = true)]
public sealed class MaxThreadsCollection { }

[Collection("Parallelism.MaxThreads")]
public class ConvThreadingTests
{
    [Fact]
    public void ResultsDoNotDependOnTheThreadCount()
    {
        int saved = Parallelism.MaxThreads;
        try
        {
            foreach (var c in new[] { ConvCase.Square(4, 16, 24, 23, 3, 1, 1, 1, 1), ConvCase.Square(16, 32, 64, 12, 3, 1, 1, 1, 1), ConvCase.Square(1, 4, 40, 70, 3, 1, 1, 1, 1), ConvCase.Square(7, 1, 32, 40, 3, 1, 1, 1, 1), ConvCase.Square(5, 2, 32, 40, 3, 1, 1, 1, 2), ConvCase.Square(3, 24, 24, 30, 3, 1, 1, 1, 24), ConvCase.Square(5, 64, 16, 19, 1, 1, 0, 1, 1) })
            {
                var r = new Random(5);
                var x = ConvCase.Randn(r, ConvCase.Numel(c.XShape));
                var w = ConvCase.Randn(r, ConvCase.Numel(c.WShape));
                var dy = ConvCase.Randn(r, ConvCase.Numel(c.YShape));
                var geo = c.Geometry();
                float[][] Run(int threads)
                {
                    Parallelism.MaxThreads = threads;
                    var y = new float[dy.Length]; var dx = new float[x.Length]; var dw = new float[w.Length];
                    ConvKernel.Forward(x, w, default, y, geo);
                    ConvKernel.BackwardInput(dy, w, dx, geo);
                    ConvKernel.BackwardWeight(dy, x, dw, geo);
                    return [y, dx, dw];
                }
                var one = Run(1);
                foreach (int t in new[] { 2, 3, 4 })
                {
                    var many = Run(t);
                    for (int k = 0; k < 3; k++) Assert.True(one[k].AsSpan().SequenceEqual(many[k]), $"{c}: output {k} differs with {t} threads");
                }
            }
        }
        finally { Parallelism.MaxThreads = saved; }
    }
}
