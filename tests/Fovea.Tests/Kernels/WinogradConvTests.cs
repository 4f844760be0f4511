using Fovea.Kernels;
using Fovea.Tests.OpTests;
using Fovea.Tests.Reference;
using Xunit.Abstractions;

namespace Fovea.Tests.Kernels;

[Collection("Parallelism.MaxThreads")]
public class WinogradConvTests(ITestOutputHelper output)
{
    // (batch, cin, cout, h, w): sizes that are and are not multiples of the tile, single pixels, single rows and
    // columns, odd channel counts (pad lanes), images large enough to be cut into bands and small enough to be grouped.
    public static TheoryData<int, int, int, int, int> Shapes => new()
    {
        { 1, 1, 1, 1, 1 },
        { 2, 3, 5, 2, 7 },
        { 3, 17, 9, 5, 5 },
        { 1, 7, 33, 13, 11 },
        { 2, 16, 16, 8, 8 },
        { 3, 5, 3, 67, 1 },
        { 2, 4, 6, 1, 67 },
        { 1, 19, 21, 67, 67 },
        { 3, 33, 18, 14, 14 },
        { 2, 32, 48, 28, 29 },
    };

    // Largest |error| over the largest |value|, per output: the transforms' rounding grows with the tile size.
    static double Check(float[] expected, float[] actual, string what, double bound)
    {
        double maxErr = 0, maxVal = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.False(float.IsNaN(actual[i]), $"{what}: NaN at {i}");
            maxErr = Math.Max(maxErr, Math.Abs((double)actual[i] - expected[i]));
            maxVal = Math.Max(maxVal, Math.Abs((double)expected[i]));
        }
        double rel = maxVal == 0 ? maxErr : maxErr / maxVal;
        Assert.True(rel <= bound, $"{what}: max error {maxErr:G3} relative to max {maxVal:G3} is {rel:G3} > {bound:G3}");
        return rel;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MatchesNaive(int n, int cin, int cout, int h, int w)
    {
        var r = new Random(n * 1000 + cin * 31 + h * 7 + w);
        var c = new ConvCase([n, cin, h, w], [cout, cin, 3, 3], [1, 1], [1, 1], [1, 1], [1, 1], 1);
        var x = ConvCase.Randn(r, ConvCase.Numel(c.XShape));
        var wt = ConvCase.Randn(r, ConvCase.Numel(c.WShape));
        var b = ConvCase.Randn(r, cout);
        var dy = ConvCase.Randn(r, ConvCase.Numel(c.YShape));
        var geo = c.Geometry();
        Assert.True(WinogradConv.Supports(geo));
        var yRef = NaiveConv.ToFloat(NaiveConv.Conv(x, c.XShape, wt, c.WShape, b, c.Stride, c.PadBegin, c.PadEnd, c.Dilation, 1, out _));
        var grads = NaiveConv.ConvBackward(x, c.XShape, wt, c.WShape, false, dy, c.YShape, c.Stride, c.PadBegin, c.Dilation, 1);
        var dxRef = NaiveConv.ToFloat(grads.Dx);
        var dwRef = NaiveConv.ToFloat(grads.Dw);
        var reluRef = yRef.Select(v => Math.Max(v, 0f)).ToArray();
        int saved = Parallelism.MaxThreads;
        try
        {
            foreach (var (v, bound) in new[] { (WinogradConv.Variant.F2x2, 2e-6), (WinogradConv.Variant.F4x4, 2e-5) })
            {
                float[]? first = null;
                foreach (int threads in new[] { 1, 2, 3 })
                {
                    Parallelism.MaxThreads = threads;
                    var y = new float[yRef.Length];
                    y.AsSpan().Fill(float.NaN);
                    WinogradConv.Forward(x, wt, b, y, geo, GemmActivation.None, v);
                    double ey = Check(yRef, y, $"{v} forward {c}", bound);
                    var yr = new float[yRef.Length];
                    WinogradConv.Forward(x, wt, b, yr, geo, GemmActivation.Relu, v);
                    Check(reluRef, yr, $"{v} forward+ReLU {c}", bound);
                    var dx = new float[x.Length];
                    dx.AsSpan().Fill(float.NaN);
                    WinogradConv.BackwardInput(dy, wt, dx, geo, v);
                    double ex = Check(dxRef, dx, $"{v} dx {c}", bound);
                    var dw = new float[wt.Length];
                    dw.AsSpan().Fill(float.NaN);
                    WinogradConv.BackwardWeight(dy, x, dw, geo, v);
                    double ew = Check(dwRef, dw, $"{v} dw {c}", bound);
                    if (threads == 1) output.WriteLine($"{v} {c}: forward {ey:G3}, dx {ex:G3}, dw {ew:G3} (max error / max value)");
                    // Summation orders are fixed by the geometry: bitwise the same for any thread count.
                    if (first == null) first = [.. y, .. dx, .. dw];
                    else Assert.True(first.AsSpan().SequenceEqual([.. y, .. dx, .. dw]), $"{v} {c}: differs with {threads} threads");
                }
            }
        }
        finally { Parallelism.MaxThreads = saved; }
    }

    // PyTorch's values (tests/Fovea.Tests/Golden/conv.bin) for every golden case the kernel supports, both variants.
    [Fact]
    public void MatchesPyTorchGoldenValues()
    {
        int count = 0;
        foreach (var c in ConvGolden.Load())
        {
            if (c.Transposed || c.Spatial != 2) continue;
            int[] xs = c.X.Shape.ToArray(), ws = c.W.Shape.ToArray(), ys = c.Y.Shape.ToArray();
            var geo = new ConvGeometry(xs[0], xs[1], ws[0], c.Groups, xs[2..], ys[2..], ws[2..], c.Stride, c.PadBegin, c.Dilation);
            if (!WinogradConv.Supports(geo)) continue;
            count++;
            foreach (var v in new[] { WinogradConv.Variant.F2x2, WinogradConv.Variant.F4x4 })
            {
                var y = new float[c.Y.Numel];
                WinogradConv.Forward(c.X.ToArray(), c.W.ToArray(), c.HasBias ? c.B.ToArray() : default, y, geo, GemmActivation.None, v);
                var dx = new float[c.X.Numel];
                WinogradConv.BackwardInput(c.Dy.ToArray(), c.W.ToArray(), dx, geo, v);
                var dw = new float[c.W.Numel];
                WinogradConv.BackwardWeight(c.Dy.ToArray(), c.X.ToArray(), dw, geo, v);
                double ey = Check(c.Y.ToArray(), y, $"{v} {c.Name} y", 2e-5), ex = Check(c.Dx.ToArray(), dx, $"{v} {c.Name} dx", 2e-5),
                    ew = Check(c.Dw.ToArray(), dw, $"{v} {c.Name} dw", 2e-5);
                output.WriteLine($"golden {c.Name} {v}: y {ey:G3}, dx {ex:G3}, dw {ew:G3} (max error / max value)");
            }
        }
        Assert.True(count > 0, "no golden case is a 3x3 stride-1 pad-1 2-D convolution");
    }

    [Fact]
    public void ChoosesTheTileByPadding()
    {
        Assert.Equal(WinogradConv.Variant.F4x4, WinogradConv.Choose(ConvCase.Square(1, 64, 64, 56, 3, 1, 1, 1, 1).Geometry()));
        Assert.Equal(WinogradConv.Variant.F4x4, WinogradConv.Choose(ConvCase.Square(1, 64, 64, 28, 3, 1, 1, 1, 1).Geometry()));
        Assert.Equal(WinogradConv.Variant.F2x2, WinogradConv.Choose(ConvCase.Square(1, 64, 64, 14, 3, 1, 1, 1, 1).Geometry()));
    }

    [Fact]
    public void DispatchOnlyTakesSupportedGeometries()
    {
        Assert.False(WinogradConv.Supports(ConvCase.Square(1, 64, 64, 8, 3, 2, 1, 1, 1).Geometry()));   // stride 2
        Assert.False(WinogradConv.Supports(ConvCase.Square(1, 64, 64, 8, 3, 1, 2, 2, 1).Geometry()));   // dilated
        Assert.False(WinogradConv.Supports(ConvCase.Square(1, 64, 64, 8, 3, 1, 0, 1, 1).Geometry()));   // no padding
        Assert.False(WinogradConv.Supports(ConvCase.Square(1, 64, 64, 8, 3, 1, 1, 1, 2).Geometry()));   // groups
        Assert.False(WinogradConv.Supports(ConvCase.Square(1, 64, 64, 8, 5, 1, 2, 1, 1).Geometry()));   // 5x5
        Assert.False(WinogradConv.Supports(ConvCase.Square(1, 64, 64, 8, 3, 1, 1, 1, 1, 3).Geometry())); // 3-D
        Assert.False(WinogradConv.Applies(ConvCase.Square(1, 16, 64, 8, 3, 1, 1, 1, 1).Geometry()));   // few channels
        Assert.Throws<ArgumentException>(() => WinogradConv.Forward(new float[64 * 64], new float[64 * 64 * 25], default, new float[64 * 64], ConvCase.Square(1, 64, 64, 1, 5, 1, 2, 1, 1).Geometry()));
    }

    // Through the ConvKernel dispatch, with a layer-like shape: the same results as the Winograd kernel itself.
    [Fact]
    public void ConvKernelDispatchesLargeChannelCounts()
    {
        var c = ConvCase.Square(2, 64, 64, 12, 3, 1, 1, 1, 1);
        var geo = c.Geometry();
        var r = new Random(3);
        var x = ConvCase.Randn(r, ConvCase.Numel(c.XShape));
        var w = ConvCase.Randn(r, ConvCase.Numel(c.WShape));
        var y = new float[ConvCase.Numel(c.YShape)];
        ConvKernel.Forward(x, w, default, y, geo);
        var yRef = NaiveConv.ToFloat(NaiveConv.Conv(x, c.XShape, w, c.WShape, null, c.Stride, c.PadBegin, c.PadEnd, c.Dilation, 1, out _));
        output.WriteLine($"dispatch {c}: Winograd {WinogradConv.Applies(geo)}, error {Check(yRef, y, "dispatch", 2e-5):G3}");
    }
}
