using Fovea.Kernels;
using Fovea.Tests.Reference;

namespace Fovea.Tests.Kernels;

public class ConvKernelTests
{
    // Runs the three kernels on one case and compares them with the naive double-accumulating reference.
    static void CheckCase(ConvCase c, int seed)
    {
        var r = new Random(seed);
        var x = ConvCase.Randn(r, ConvCase.Numel(c.XShape));
        var w = ConvCase.Randn(r, ConvCase.Numel(c.WShape));
        var b = ConvCase.Randn(r, c.WShape[0]);
        var ys = c.YShape;
        var dy = ConvCase.Randn(r, ConvCase.Numel(ys));
        var geo = c.Geometry();
        string at = c.ToString();

        var expected = NaiveConv.Conv(x, c.XShape, w, c.WShape, b, c.Stride, c.PadBegin, c.PadEnd, c.Dilation, c.Groups, out _);
        var y = new float[expected.Length];
        y.AsSpan().Fill(float.NaN);
        ConvKernel.Forward(x, w, b, y, geo);
        TensorAssert.Close(NaiveConv.ToFloat(expected), y, 1e-4f, 1e-4f, "forward " + at);

        var g = NaiveConv.ConvBackward(x, c.XShape, w, c.WShape, true, dy, ys, c.Stride, c.PadBegin, c.Dilation, c.Groups);
        var dx = new float[x.Length];
        dx.AsSpan().Fill(float.NaN);
        ConvKernel.BackwardInput(dy, w, dx, geo);
        TensorAssert.Close(NaiveConv.ToFloat(g.Dx), dx, 1e-4f, 1e-4f, "dx " + at);

        var dw = new float[w.Length];
        dw.AsSpan().Fill(float.NaN);
        ConvKernel.BackwardWeight(dy, x, dw, geo);
        TensorAssert.Close(NaiveConv.ToFloat(g.Dw), dw, 2e-4f, 1e-4f, "dw " + at);

        var db = new float[b.Length];
        ConvKernel.BackwardBias(dy, db, ys[0], ys[1], dy.Length / Math.Max(1, ys[0] * ys[1]));
        TensorAssert.Close(NaiveConv.ToFloat(g.Db!), db, 1e-4f, 1e-4f, "db " + at);
    }

    [Fact]
    public void RandomConfigurationsMatchNaive()
    {
        var cases = ConvCase.Random(11, 240);
        for (int i = 0; i < cases.Count; i++) CheckCase(cases[i], 100 + i);
    }

    [Theory]
    [InlineData(3, 16, 24, 20, 3, 1, 1, 1, 1)]     // im2col, threaded over the batch
    [InlineData(3, 16, 24, 21, 5, 2, 2, 1, 1)]
    [InlineData(2, 24, 24, 17, 3, 1, 2, 2, 3)]     // grouped, dilated
    [InlineData(2, 32, 16, 30, 3, 1, 1, 1, 1)]     // output positions tiled in two blocks per sample
    [InlineData(1, 8, 64, 30, 3, 1, 1, 1, 1)]      // >= 32 channels per group: transposed product, tiled
    [InlineData(1, 4, 40, 70, 3, 1, 1, 1, 1)]      // batch 1: position blocks of one sample on different threads
    [InlineData(3, 8, 40, 13, 3, 2, 1, 1, 1)]      // transposed product, several samples per block
    [InlineData(2, 12, 96, 9, 3, 1, 1, 1, 3)]      // transposed product per group
    [InlineData(2, 8, 8, 45, 5, 1, 3, 2, 2)]       // tiled, grouped, dilated, odd width
    [InlineData(3, 32, 16, 20, 1, 1, 0, 1, 1)]     // pointwise: GEMM on NCHW
    [InlineData(3, 1, 32, 40, 3, 1, 1, 1, 1)]      // 9 im2col rows: SmallKConv, threaded
    [InlineData(3, 2, 32, 41, 3, 2, 1, 1, 2)]      // SmallKConv per group, threads split across groups
    [InlineData(1, 32, 16, 40, 1, 2, 0, 1, 1)]     // 1x1 with stride: im2col
    [InlineData(3, 24, 24, 37, 3, 1, 1, 1, 24)]    // depthwise, vector rows with a tail
    [InlineData(3, 24, 24, 37, 5, 2, 2, 1, 24)]    // depthwise, stride 2
    [InlineData(2, 16, 16, 30, 3, 1, 4, 2, 16)]    // depthwise, padding larger than the kernel reach
    [InlineData(2, 16, 16, 131, 3, 2, 1, 1, 16)]   // depthwise stride 2 on column phases, 66 outputs per row
    [InlineData(2, 8, 8, 100, 4, 3, 2, 2, 8)]      // depthwise stride 3, dilated, even kernel
    [InlineData(2, 16, 32, 20, 3, 1, 1, 1, 16)]    // channel multiplier 2: grouped im2col
    public void LargerCasesMatchNaive(int n, int cin, int cout, int size, int k, int s, int p, int d, int groups)
        => CheckCase(ConvCase.Square(n, cin, cout, size, k, s, p, d, groups), 7);

    [Fact]
    public void DepthwiseRowLengthsCoverEveryTail()
    {
        for (int wdt = 1; wdt <= 20; wdt++)
            for (int k = 1; k <= 3; k++)
            {
                int pad = k / 2;
                CheckCase(new ConvCase([2, 3, 4, wdt], [3, 1, k, k], [1, 1], [pad, pad], [pad, k - 1 - pad], [1, 1], 3), wdt * 10 + k);
                CheckCase(new ConvCase([1, 2, wdt], [2, 1, k], [1], [k - 1], [k - 1], [2], 2), wdt * 10 + k);
            }
    }

    [Fact]
    public void ThreeDimensionalDepthwiseGoesThroughIm2Col()
        => CheckCase(new ConvCase([2, 4, 3, 5, 6], [4, 1, 2, 3, 3], [1, 2, 1], [1, 0, 1], [0, 1, 1], [1, 1, 2], 4), 3);

    [Fact]
    public void ValidRangeCoversExactlyTheInsideIndices()
    {
        for (int off = -7; off <= 7; off++)
            for (int st = 1; st <= 3; st++)
                for (int inSize = 1; inSize <= 6; inSize++)
                    for (int outSize = 0; outSize <= 6; outSize++)
                    {
                        var (lo, hi) = Im2Col.ValidRange(off, st, inSize, outSize);
                        for (int o = 0; o < outSize; o++)
                        {
                            int i = o * st + off;
                            Assert.Equal(i >= 0 && i < inSize, o >= lo && o < hi);
                        }
                    }
    }

    [Fact]
    public void ConvBenchTimesTheRequestedShapes()
    {
        var results = ConvBench.Run(batch: 2, reps: 1, warmup: 1, only: "a");
        var r = Assert.Single(results);
        Assert.Equal("a 1->32 3x3 28x28", r.Case.Name);
        Assert.True(r.ForwardMs > 0 && r.ForwardBackwardMs > 0 && r.ForwardGFlops > 0 && r.ForwardBackwardGFlops > 0, r.ToString());
        Assert.Equal(7, ConvBench.Cases.Count);
    }
}
