using System.Runtime.Intrinsics;
using Fovea.Kernels;
using Fovea.Tests.Reference;

namespace Fovea.Tests.Kernels;

/// <summary>
/// The direct few-channel kernels (<see cref="DirectSmallConv"/>: stride 1, dilation 1, at most 16 im2col rows, output
/// rows of 16+) through <see cref="ConvKernel"/>, against the naive double reference: every output width and height
/// 1..67 (the narrow ones take the im2col path), channel counts around the register blocks (8 for the forward, 4 for
/// the weight gradient), kernel shapes, symmetric and asymmetric padding, groups, 1-D.
/// </summary>
public class DirectSmallConvTests
{
    static void Check(ConvCase c, int seed)
    {
        var r = new Random(seed);
        var x = ConvCase.Randn(r, ConvCase.Numel(c.XShape));
        var w = ConvCase.Randn(r, ConvCase.Numel(c.WShape));
        var b = ConvCase.Randn(r, c.WShape[0]);
        var ys = c.YShape;
        var dy = ConvCase.Randn(r, ConvCase.Numel(ys));
        var geo = c.Geometry();
        string at = c.ToString();
        foreach (bool bias in new[] { true, false })
        {
            var expected = NaiveConv.Conv(x, c.XShape, w, c.WShape, bias ? b : null, c.Stride, c.PadBegin, c.PadEnd, c.Dilation, c.Groups, out _);
            var y = new float[expected.Length];
            y.AsSpan().Fill(float.NaN);
            ConvKernel.Forward(x, w, bias ? b : default, y, geo);
            TensorAssert.Close(NaiveConv.ToFloat(expected), y, 1e-4f, 1e-4f, $"forward (bias {bias}) " + at);
        }
        var g = NaiveConv.ConvBackward(x, c.XShape, w, c.WShape, false, dy, ys, c.Stride, c.PadBegin, c.Dilation, c.Groups);
        var dw = new float[w.Length];
        dw.AsSpan().Fill(float.NaN);
        ConvKernel.BackwardWeight(dy, x, dw, geo);
        TensorAssert.Close(NaiveConv.ToFloat(g.Dw), dw, 2e-4f, 1e-4f, "dw " + at);
    }

    static ConvCase Case2d(int n, int cin, int cout, int h, int w, int kh, int kw, int ph0, int pw0, int ph1, int pw1, int groups = 1) =>
        new([n, cin, h, w], [cout, cin / groups, kh, kw], [1, 1], [ph0, pw0], [ph1, pw1], [1, 1], groups);

    [Fact]
    public void EveryWidthMatchesNaive()
    {
        for (int w = 1; w <= 67; w++) Check(Case2d(2, 1, 9, 3, w, 3, 3, 1, 1, 1, 1), w);
    }

    [Fact]
    public void EveryHeightMatchesNaive()
    {
        for (int h = 1; h <= 67; h++) Check(Case2d(1, 1, 5, h, 20, 3, 3, 1, 1, 1, 1), 100 + h);
    }

    [Fact]
    public void EveryChannelCountMatchesNaive()
    {
        for (int cout = 1; cout <= 19; cout++) Check(Case2d(3, 1, cout, 5, 28, 3, 3, 1, 1, 1, 1), 200 + cout);
        for (int n = 1; n <= 5; n++) Check(Case2d(n, 1, 32, 4, 17, 3, 3, 1, 1, 1, 1), 300 + n);
    }

    [Theory]
    [InlineData(1, 4, 2, 2, 0, 0, 0, 0, 1)]    // 2x2, 4 input channels (16 rows), no padding
    [InlineData(1, 7, 4, 4, 2, 2, 1, 1, 1)]    // 4x4: 16 rows, even kernel, asymmetric padding
    [InlineData(1, 6, 1, 3, 0, 1, 0, 1, 1)]    // 1x3
    [InlineData(1, 6, 3, 1, 1, 0, 1, 0, 1)]    // 3x1
    [InlineData(3, 10, 1, 1, 1, 1, 1, 1, 1)]   // 1x1 with padding (not pointwise): 3 rows
    [InlineData(1, 5, 3, 3, 2, 2, 2, 2, 1)]    // padding 2 (zero border rows and columns in the output)
    [InlineData(1, 5, 3, 3, 0, 2, 2, 0, 1)]    // asymmetric, one side each
    [InlineData(2, 12, 3, 3, 1, 1, 1, 1, 2)]   // two groups of one channel, 6 outputs each
    [InlineData(4, 8, 2, 2, 1, 1, 0, 0, 4)]    // four groups
    [InlineData(1, 3, 3, 3, 4, 4, 4, 4, 1)]    // padding wider than the kernel reach
    public void KernelShapesAndPaddingMatchNaive(int cin, int cout, int kh, int kw, int ph0, int pw0, int ph1, int pw1, int groups)
    {
        foreach (int w in new[] { 16, 23, 32, 41, 67 })
            Check(Case2d(2, cin, cout, 9, w, kh, kw, ph0, pw0, ph1, pw1, groups), cin * 1000 + cout * 10 + w);
    }

    [Fact]
    public void OneDimensionalMatchesNaive()
    {
        foreach (int len in new[] { 16, 17, 30, 64, 67 })
            Check(new ConvCase([3, 2, len], [7, 2, 3], [1], [1], [1], [1], 1), len);
    }

    [Fact]
    public void StridedOrDilatedCasesAreNotClaimed()
    {
        var plain = Case2d(1, 1, 8, 40, 40, 3, 3, 1, 1, 1, 1);
        Assert.False(DirectSmallConv.Supports((plain with { Stride = [2, 2] }).Geometry()));
        Assert.False(DirectSmallConv.Supports((plain with { Dilation = [1, 2] }).Geometry()));
        Assert.False(DirectSmallConv.Supports(Case2d(1, 1, 8, 40, 15, 3, 3, 1, 1, 1, 1).Geometry()));   // rows narrower than a vector
        Assert.False(DirectSmallConv.Supports(Case2d(1, 2, 8, 40, 40, 3, 3, 1, 1, 1, 1).Geometry()));   // 18 im2col rows
        Assert.Equal(Vector512.IsHardwareAccelerated, DirectSmallConv.Supports(Case2d(32, 1, 32, 28, 28, 3, 3, 1, 1, 1, 1).Geometry()));
    }

    [Fact]
    public void ThreadCountDoesNotChangeTheResult()
    {
        var c = Case2d(6, 1, 32, 28, 28, 3, 3, 1, 1, 1, 1);
        var r = new Random(5);
        var x = ConvCase.Randn(r, ConvCase.Numel(c.XShape));
        var w = ConvCase.Randn(r, ConvCase.Numel(c.WShape));
        var dy = ConvCase.Randn(r, ConvCase.Numel(c.YShape));
        var geo = c.Geometry();
        float[] y1 = new float[dy.Length], y2 = new float[dy.Length], dw1 = new float[w.Length], dw2 = new float[w.Length];
        int saved = Parallelism.MaxThreads;
        try
        {
            Parallelism.MaxThreads = 1;
            ConvKernel.Forward(x, w, default, y1, geo);
            ConvKernel.BackwardWeight(dy, x, dw1, geo);
            Parallelism.MaxThreads = 3;
            ConvKernel.Forward(x, w, default, y2, geo);
            ConvKernel.BackwardWeight(dy, x, dw2, geo);
        }
        finally { Parallelism.MaxThreads = saved; }
        Assert.Equal(y1, y2);
        Assert.Equal(dw1, dw2);
    }
}
