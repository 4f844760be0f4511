using System.Runtime.Intrinsics;
using Fovea.Kernels;
using Fovea.Tests.Reference;

namespace Fovea.Tests.Kernels;

/// <summary>
/// The implicit-GEMM forward (<see cref="ImplicitConv"/>: stride 1, dilation 1, 17..576 im2col rows, at most 1024
/// positions per sample) through <see cref="ConvKernel"/>, against the naive double reference: output widths and
/// heights 1..67, output channels around the 8-channel register block, kernel shapes, padding, groups, 1-D, bias, and
/// the fused ReLU / 2x2 max pool; and its weight gradient (output channels a multiple of 64).
/// </summary>
public class ImplicitConvTests
{
    static void Check(ConvCase c, int seed)
    {
        var r = new Random(seed);
        var x = ConvCase.Randn(r, ConvCase.Numel(c.XShape));
        var w = ConvCase.Randn(r, ConvCase.Numel(c.WShape));
        var b = ConvCase.Randn(r, c.WShape[0]);
        var geo = c.Geometry();
        foreach (bool bias in new[] { true, false })
        {
            var expected = NaiveConv.Conv(x, c.XShape, w, c.WShape, bias ? b : null, c.Stride, c.PadBegin, c.PadEnd, c.Dilation, c.Groups, out _);
            var y = new float[expected.Length];
            y.AsSpan().Fill(float.NaN);
            ConvKernel.Forward(x, w, bias ? b : default, y, geo);
            TensorAssert.Close(NaiveConv.ToFloat(expected), y, 1e-4f, 1e-4f, $"forward (bias {bias}) {c}");
        }
    }

    static ConvCase Case2d(int n, int cin, int cout, int h, int w, int kh, int kw, int ph0, int pw0, int ph1, int pw1, int groups = 1) =>
        new([n, cin, h, w], [cout, cin / groups, kh, kw], [1, 1], [ph0, pw0], [ph1, pw1], [1, 1], groups);

    [Fact]
    public void EveryWidthAndHeightMatchesNaive()
    {
        for (int s = 1; s <= 67; s++)
        {
            Check(Case2d(1, 3, 8, 2, s, 3, 3, 1, 1, 1, 1), s);
            Check(Case2d(1, 3, 8, s, 5, 3, 3, 1, 1, 1, 1), 100 + s);
        }
    }

    [Fact]
    public void EveryChannelCountMatchesNaive()
    {
        for (int cout = 8; cout <= 19; cout++) Check(Case2d(2, 2, cout, 7, 9, 3, 3, 1, 1, 1, 1), cout);
        Check(Case2d(1, 32, 16, 14, 14, 3, 3, 1, 1, 1, 1), 40);      // the benchmark's layer b (288 rows, 14x14), fewer outputs
        Check(Case2d(1, 64, 8, 5, 6, 3, 3, 1, 1, 1, 1), 41);         // 576 rows, the largest taken
    }

    [Theory]
    [InlineData(5, 9, 2, 2, 0, 0, 0, 0, 1)]    // 2x2 (20 rows), no padding
    [InlineData(2, 10, 4, 4, 2, 1, 1, 2, 1)]   // 4x4, asymmetric padding
    [InlineData(6, 8, 1, 3, 0, 1, 0, 1, 1)]    // 1x3
    [InlineData(6, 8, 3, 1, 1, 0, 1, 0, 1)]    // 3x1
    [InlineData(20, 9, 1, 1, 1, 1, 1, 1, 1)]   // 1x1 with padding: 20 rows
    [InlineData(2, 12, 5, 5, 2, 2, 2, 2, 1)]   // 5x5
    [InlineData(3, 8, 3, 3, 4, 4, 4, 4, 1)]    // padding wider than the kernel reach
    [InlineData(8, 16, 3, 3, 1, 1, 1, 1, 2)]   // two groups of 4 channels, 8 outputs each
    public void KernelShapesAndPaddingMatchNaive(int cin, int cout, int kh, int kw, int ph0, int pw0, int ph1, int pw1, int groups)
    {
        foreach (var (h, w) in new[] { (1, 1), (5, 16), (9, 23), (3, 67) })
            Check(Case2d(2, cin, cout, h, w, kh, kw, ph0, pw0, ph1, pw1, groups), cin * 1000 + cout * 10 + w);
    }

    [Fact]
    public void OneDimensionalMatchesNaive()
    {
        foreach (int len in new[] { 1, 15, 16, 17, 67 })
            Check(new ConvCase([2, 6, len], [9, 6, 3], [1], [1], [1], [1], 1), len);
    }

    // 32 and 64 output channels take ChannelLaneConv (the channels in the lanes): every width around its 14-position
    // block, 1-D, and a 5x5 kernel, through ConvKernel against the naive reference.
    [Fact]
    public void ChannelLaneSizesMatchNaive()
    {
        for (int s = 1; s <= 31; s += 3) Check(Case2d(2, 3, 32, 3, s, 3, 3, 1, 1, 1, 1), 200 + s);
        Check(Case2d(1, 5, 64, 9, 20, 5, 5, 2, 2, 2, 2), 240);
        foreach (int len in new[] { 1, 14, 15, 67 })
            Check(new ConvCase([2, 6, len], [32, 6, 3], [1], [1], [1], [1], 1), 250 + len);
    }

    [Fact]
    public void TakesExactlyTheClaimedCases()
    {
        Assert.Equal(Vector512.IsHardwareAccelerated, ImplicitConv.Supports(Case2d(32, 32, 64, 14, 14, 3, 3, 1, 1, 1, 1).Geometry()));
        var b = Case2d(1, 32, 64, 14, 14, 3, 3, 1, 1, 1, 1);
        Assert.False(ImplicitConv.Supports((b with { Stride = [2, 2] }).Geometry()));
        Assert.False(ImplicitConv.Supports((b with { Dilation = [2, 2] }).Geometry()));
        Assert.False(ImplicitConv.Supports(Case2d(1, 65, 64, 14, 14, 3, 3, 1, 1, 1, 1).Geometry()));   // 585 rows
        Assert.False(ImplicitConv.Supports(Case2d(1, 32, 64, 33, 33, 3, 3, 1, 1, 1, 1).Geometry()));   // 1089 positions
        Assert.False(ImplicitConv.Supports(Case2d(1, 32, 7, 14, 14, 3, 3, 1, 1, 1, 1).Geometry()));    // under 8 outputs
        Assert.False(ImplicitConv.Supports(Case2d(1, 1, 64, 14, 14, 3, 3, 1, 1, 1, 1).Geometry()));    // 9 rows: SmallKConv
        Assert.False(ImplicitConv.SupportsWeight(Case2d(1, 32, 32, 14, 14, 3, 3, 1, 1, 1, 1).Geometry())); // not a multiple of 64 outputs
    }

    static void CheckWeight(ConvCase c, int seed)
    {
        var r = new Random(seed);
        var x = ConvCase.Randn(r, ConvCase.Numel(c.XShape));
        var w = ConvCase.Randn(r, ConvCase.Numel(c.WShape));
        var dy = ConvCase.Randn(r, ConvCase.Numel(c.YShape));
        var geo = c.Geometry();
        Assert.Equal(Vector512.IsHardwareAccelerated, ImplicitConv.SupportsWeight(geo));
        var g = NaiveConv.ConvBackward(x, c.XShape, w, c.WShape, false, dy, c.YShape, c.Stride, c.PadBegin, c.Dilation, c.Groups);
        var dw = new float[w.Length];
        dw.AsSpan().Fill(float.NaN);
        ConvKernel.BackwardWeight(dy, x, dw, geo);
        TensorAssert.Close(NaiveConv.ToFloat(g.Dw), dw, 2e-4f, 1e-4f, "dw " + c);
    }

    [Fact]
    public void WeightGradientMatchesNaive()
    {
        foreach (var (h, w) in new[] { (1, 1), (1, 67), (67, 1), (5, 16), (6, 17), (14, 14) })
            CheckWeight(Case2d(5, 2, 64, h, w, 3, 3, 1, 1, 1, 1), h * 100 + w);   // 18 rows: 3 blocks of 6, batch over two steps
        CheckWeight(Case2d(2, 6, 64, 7, 9, 2, 2, 0, 0, 1, 1), 1);                   // 24 rows, asymmetric padding
        CheckWeight(Case2d(2, 5, 128, 6, 5, 2, 2, 1, 1, 0, 0), 2);                  // 20 rows (a 2-row remainder), two channel blocks
        CheckWeight(Case2d(1, 2, 64, 4, 6, 3, 3, 3, 3, 3, 3), 3);                   // padding wider than the kernel reach
        CheckWeight(Case2d(2, 4, 128, 5, 7, 3, 3, 1, 1, 1, 1, groups: 2), 4);       // two groups of 64 outputs
        CheckWeight(Case2d(3, 4, 64, 6, 6, 1, 5, 0, 2, 0, 2), 5);                   // 1x5
        CheckWeight(new ConvCase([3, 7, 19], [64, 7, 3], [1], [1], [1], [1], 1), 6); // 1-D
        CheckWeight(Case2d(2, 64, 64, 3, 3, 3, 3, 1, 1, 1, 1), 7);                  // 576 rows, the largest taken
    }
}
