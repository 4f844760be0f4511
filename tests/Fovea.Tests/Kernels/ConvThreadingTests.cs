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
    [Fact]
    public void SingleImageForwardSplitOverChannelsMatchesOneThread()
    {
        // A single image splits its output channels over the threads (ConvKernel.ChannelParts): the direct first-layer
        // kernel, the implicit GEMM (including a channel count that is not a multiple of 8) and the few-rows kernel,
        // plain and with bias + ReLU + 2x2 max pool fused; bitwise equal on 1 to 4 threads and equal to the reference.
        int saved = Parallelism.MaxThreads;
        try
        {
            // Also single images on the im2col path, which multiplies the untransposed weight (plainWeight): stride 2,
            // 1x1, two groups, and few output channels (the product not transposed).
            foreach (var c in new[] { ConvCase.Square(1, 1, 32, 28, 3, 1, 1, 1, 1), ConvCase.Square(1, 32, 64, 14, 3, 1, 1, 1, 1), ConvCase.Square(1, 20, 44, 15, 3, 1, 1, 1, 1), ConvCase.Square(1, 2, 40, 33, 3, 1, 1, 1, 1),
                ConvCase.Square(1, 64, 80, 19, 3, 2, 1, 1, 1), ConvCase.Square(1, 48, 72, 10, 1, 1, 0, 1, 1), ConvCase.Square(1, 16, 48, 23, 3, 2, 1, 1, 2), ConvCase.Square(1, 70, 6, 21, 3, 2, 1, 1, 1) })
            {
                var r = new Random(7);
                var x = ConvCase.Randn(r, ConvCase.Numel(c.XShape));
                var w = ConvCase.Randn(r, ConvCase.Numel(c.WShape));
                var b = ConvCase.Randn(r, c.WShape[0]);
                var geo = c.Geometry();
                int cout = c.YShape[1], oh = c.YShape[2], ow = c.YShape[3];
                (float[] Y, float[] Pooled) Run(int threads)
                {
                    Parallelism.MaxThreads = threads;
                    var y = new float[ConvCase.Numel(c.YShape)];
                    var pooled = new float[cout * (oh / 2) * (ow / 2)];
                    ConvKernel.Forward(x, w, default, y, geo);
                    ConvKernel.ForwardMaxPool2x2(x, w, b, pooled, geo, GemmActivation.Relu);
                    return (y, pooled);
                }
                var one = Run(1);
                var reference = Reference.NaiveConv.Conv(x, c.XShape, w, c.WShape, null, c.Stride, c.PadBegin, c.PadEnd, c.Dilation, c.Groups, out _);
                for (int i = 0; i < reference.Length; i++) Assert.True(Math.Abs(one.Y[i] - reference[i]) <= 1e-4 * (1 + Math.Abs(reference[i])), $"{c}: y[{i}] {one.Y[i]} vs {reference[i]}");
                foreach (int t in new[] { 2, 3, 4 })
                {
                    var many = Run(t);
                    Assert.True(one.Y.AsSpan().SequenceEqual(many.Y), $"{c}: y differs with {t} threads");
                    Assert.True(one.Pooled.AsSpan().SequenceEqual(many.Pooled), $"{c}: pooled differs with {t} threads");
                }
                // The fused pool is the pool of relu(y + b), computed separately.
                for (int o = 0; o < cout; o++)
                    for (int i = 0; i < oh / 2; i++)
                        for (int j = 0; j < ow / 2; j++)
                        {
                            float m = float.NegativeInfinity;
                            for (int di = 0; di < 2; di++)
                                for (int dj = 0; dj < 2; dj++)
                                    m = Math.Max(m, Math.Max(0, one.Y[(o * oh + 2 * i + di) * ow + 2 * j + dj] + b[o]));
                            float got = one.Pooled[(o * (oh / 2) + i) * (ow / 2) + j];
                            Assert.True(Math.Abs(got - m) <= 1e-4 * (1 + Math.Abs(m)), $"{c}: pooled[{o},{i},{j}] {got} vs {m}");
                        }
            }
        }
        finally { Parallelism.MaxThreads = saved; }
    }
}
