using Fovea.Tests.Reference;

namespace Fovea.Tests.OpTests;

public class PoolTests
{
    /// <summary>A tensor of distinct values at least 0.05 apart (shuffled), so max pooling has no ties within finite-difference steps.</summary>
    internal static Tensor Distinct(Generator g, params int[] shape)
    {
        int n = shape.Aggregate(1, (a, b) => a * b);
        var v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (i - n / 2) * 0.05f;
        for (int i = n - 1; i > 0; i--) { int j = g.NextInt(i + 1); (v[i], v[j]) = (v[j], v[i]); }
        return Tensor.FromArray(v, shape);
    }

    /// <summary>Runs f on the case's x, backpropagates its g, and compares y and gx with PyTorch's.</summary>
    internal static Tensor CheckGolden(PoolNormGolden.Case c, Func<Tensor, Tensor> f, float atol = 1e-5f, float rtol = 1e-4f)
    {
        var x = c["x"].Clone().RequiresGrad_();
        var y = f(x);
        try
        {
            TensorAssert.Close(c["y"], y, atol, rtol);
            y.Backward(c["g"]);
            TensorAssert.Close(c["gx"], x.Grad!, atol, rtol);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new Xunit.Sdk.XunitException($"{c}: {e.Message}");
        }
        return y;
    }

    static int[] Pad3(int[] a, int fill) => [.. Enumerable.Repeat(fill, 3 - a.Length), .. a];

    [Fact]
    public void GoldenFileNamesItsScript() => Assert.Contains("tools/golden/poolnorm_golden.py", PoolNormGolden.Header);

    [Fact]
    public void MaxPoolMatchesPyTorch()
    {
        var cases = PoolNormGolden.Cases("maxpool");
        Assert.True(cases.Count >= 10);
        foreach (var c in cases)
        {
            var (k, s, p, d, ceil) = (c.Ints("k")!, c.Ints("s"), c.Ints("p"), c.Ints("d"), c.Bool("ceil"));
            CheckGolden(c, x => Fovea.Ops.MaxPool(x, k, s, p, d, ceil));
            var (_, idx) = Fovea.Ops.MaxPoolWithIndices(c["x"], k, s, p, d, ceil);
            TensorAssert.Close(c["idx"], idx, 0, 0);
        }
    }

    [Fact]
    public void AvgPoolMatchesPyTorch()
    {
        var cases = PoolNormGolden.Cases("avgpool");
        Assert.True(cases.Count >= 10);
        foreach (var c in cases)
            CheckGolden(c, x => Fovea.Ops.AvgPool(x, c.Ints("k")!, c.Ints("s"), c.Ints("p"), c.Bool("ceil"), c.Bool("cip"), c.IntOrNull("div")));
    }

    [Fact]
    public void AdaptivePoolsMatchPyTorch()
    {
        foreach (var c in PoolNormGolden.Cases("adaptiveavg")) CheckGolden(c, x => Fovea.Ops.AdaptiveAvgPool(x, c.Ints("out")!));
        foreach (var c in PoolNormGolden.Cases("adaptivemax")) CheckGolden(c, x => Fovea.Ops.AdaptiveMaxPool(x, c.Ints("out")!));
        Assert.True(PoolNormGolden.Cases("adaptivemax").Count >= 6);
    }

    [Theory]
    [InlineData(1, 3, 2, 1, 1, false)]
    [InlineData(1, 4, 3, 2, 1, true)]
    [InlineData(1, 3, 1, 1, 2, false)]
    [InlineData(2, 3, 2, 1, 1, true)]
    [InlineData(2, 2, 2, 0, 1, false)]
    [InlineData(2, 3, 2, 1, 2, true)]
    [InlineData(3, 2, 2, 1, 1, true)]
    [InlineData(3, 3, 2, 0, 1, false)]
    public void PoolsMatchNaiveReferenceOnOddShapes(int dims, int k, int s, int p, int d, bool ceil)
    {
        var gen = new Generator(100 + dims * 10 + k);
        int[][] sizes = dims == 1 ? [[1], [7], [19], [33]] : dims == 2 ? [[5, 7], [9, 4], [17, 13]] : [[4, 5, 7], [7, 6, 5]];
        foreach (var sp in sizes)
        {
            if (sp.Any(v => v < d * (k - 1) + 1 - 2 * p)) continue;
            var shape = new[] { 2, 3 }.Concat(sp).ToArray();
            var x = Tensor.Randn(gen, shape);
            var ka = Enumerable.Repeat(k, dims).ToArray();
            var sa = Enumerable.Repeat(s, dims).ToArray();
            var pa = Enumerable.Repeat(p, dims).ToArray();
            var da = Enumerable.Repeat(d, dims).ToArray();
            var (y, idx) = Fovea.Ops.MaxPoolWithIndices(x, ka, sa, pa, da, ceil);
            var outS = Pad3(y.Shape.ToArray()[2..], 1);
            var (ry, ridx) = PoolReference.MaxPool(x.ToArray(), 6, Pad3(sp, 1), outS, Pad3(ka, 1), Pad3(sa, 1), Pad3(pa, 0), Pad3(da, 1));
            TensorAssert.Close(PoolReference.ToFloat(ry), y, 0, 0);
            TensorAssert.Close(ridx.Select(v => (float)v).ToArray(), idx, 0, 0);
            for (int i = 0; i < dims; i++)
                Assert.Equal(Fovea.Ops.PoolOutputSize(sp[i], k, s, p, d, ceil), y.Shape[2 + i]);

            foreach (bool cip in new[] { true, false })
            {
                var a = Fovea.Ops.AvgPool(x, ka, sa, pa, ceil, cip);
                var aOut = Pad3(a.Shape.ToArray()[2..], 1);
                var ra = PoolReference.AvgPool(x.ToArray(), 6, Pad3(sp, 1), aOut, Pad3(ka, 1), Pad3(sa, 1), Pad3(pa, 0), cip, null);
                TensorAssert.Close(PoolReference.ToFloat(ra), a, 1e-6f, 1e-5f);
            }
        }
    }

    [Fact]
    public void AdaptivePoolsMatchNaiveReference()
    {
        var gen = new Generator(7);
        foreach (var (sp, o) in new (int[], int[])[] { ([13], [5]), ([5], [9]), ([11, 7], [3, 4]), ([4, 6], [7, 5]), ([5, 7, 3], [2, 3, 2]) })
        {
            var x = Tensor.Randn(gen, [.. new[] { 2, 3 }, .. sp]);
            var inS = Pad3(sp, 1);
            var outS = Pad3(o, 1);
            TensorAssert.Close(PoolReference.ToFloat(PoolReference.AdaptivePool(x.ToArray(), 6, inS, outS, false)), Fovea.Ops.AdaptiveAvgPool(x, o), 1e-6f, 1e-5f);
            TensorAssert.Close(PoolReference.ToFloat(PoolReference.AdaptivePool(x.ToArray(), 6, inS, outS, true)), Fovea.Ops.AdaptiveMaxPool(x, o), 0, 0);
        }
    }

    [Fact]
    public void PoolGradientsMatchFiniteDifferences()
    {
        var gen = new Generator(3);
        // d maxpool/dx = 1 at each window's argmax (distinct inputs, so no ties), 0 elsewhere.
        TensorAssert.GradOk(t => Fovea.Ops.MaxPool(t[0], [3], [2], [1], [2], true), Distinct(gen, 2, 2, 11).RequiresGrad_());
        TensorAssert.GradOk(t => Fovea.Ops.MaxPool2d(t[0], 3, 2, 1, 1, true), Distinct(gen, 1, 2, 7, 6).RequiresGrad_());
        TensorAssert.GradOk(t => Fovea.Ops.MaxPool(t[0], [2, 2, 3], [2, 1, 2], [1, 0, 1], [1, 2, 1], false), Distinct(gen, 1, 2, 4, 5, 6).RequiresGrad_());
        // d avgpool/dx = sum over windows containing x of 1/divisor.
        TensorAssert.GradOk(t => Fovea.Ops.AvgPool(t[0], [3], [2], [1], true, false), Tensor.Randn(gen, 2, 2, 9).RequiresGrad_());
        TensorAssert.GradOk(t => Fovea.Ops.AvgPool2d(t[0], 3, 2, 1, true, true, 4), Tensor.Randn(gen, 1, 2, 7, 6).RequiresGrad_());
        TensorAssert.GradOk(t => Fovea.Ops.AvgPool(t[0], [2, 3, 2], [1, 2, 2], [1, 1, 0], false, false), Tensor.Randn(gen, 1, 2, 4, 5, 5).RequiresGrad_());
        // adaptive: avg spreads g/window size, max routes to the argmax.
        TensorAssert.GradOk(t => Fovea.Ops.AdaptiveAvgPool2d(t[0], 3, 4), Tensor.Randn(gen, 1, 2, 7, 5).RequiresGrad_());
        TensorAssert.GradOk(t => Fovea.Ops.AdaptiveMaxPool2d(t[0], 3, 4), Distinct(gen, 1, 2, 7, 5).RequiresGrad_());
        TensorAssert.GradOk(t => Fovea.Ops.AdaptiveAvgPool1d(t[0], 4), Tensor.Randn(gen, 2, 2, 9).RequiresGrad_());
        TensorAssert.GradOk(t => Fovea.Ops.AdaptiveMaxPool3d(t[0], 2, 3, 2), Distinct(gen, 1, 1, 3, 5, 4).RequiresGrad_());
        TensorAssert.GradOk(t => Fovea.Ops.GlobalAvgPool(t[0]), Tensor.Randn(gen, 2, 3, 4, 5).RequiresGrad_());
    }

    [Fact]
    public void ConvenienceFormsMatchTheGeneralOps()
    {
        var gen = new Generator(5);
        var x = Tensor.Randn(gen, 2, 3, 9, 8);
        TensorAssert.Close(Fovea.Ops.MaxPool(x, [3, 3], [2, 2], [1, 1], [1, 1], true), Fovea.Ops.MaxPool2d(x, 3, 2, 1, ceilMode: true));
        TensorAssert.Close(Fovea.Ops.MaxPool(x, [2, 2], null, null, null, false), x.MaxPool2d(2));
        TensorAssert.Close(Fovea.Ops.AvgPool(x, [3, 3], [3, 3], [0, 0], false, true), Fovea.Ops.AvgPool2d(x, 3));
        var x1 = Tensor.Randn(gen, 2, 3, 10);
        TensorAssert.Close(Fovea.Ops.MaxPool(x1, [3], [3], [0], [1], false), Fovea.Ops.MaxPool1d(x1, 3));
        TensorAssert.Close(Fovea.Ops.AvgPool(x1, [2], [2], [1], false, true), Fovea.Ops.AvgPool1d(x1, 2, padding: 1));
        var x3 = Tensor.Randn(gen, 1, 2, 4, 5, 6);
        TensorAssert.Close(Fovea.Ops.MaxPool(x3, [2, 2, 2], [2, 2, 2], [0, 0, 0], [1, 1, 1], false), Fovea.Ops.MaxPool3d(x3, 2));
        TensorAssert.Close(Fovea.Ops.AvgPool(x3, [2, 2, 2], [1, 1, 1], [1, 1, 1], false, true), Fovea.Ops.AvgPool3d(x3, 2, 1, 1));
        var gap = x.GlobalAvgPool();
        Assert.Equal(new Shape(2, 3, 1, 1), gap.Shape);
        TensorAssert.Close(x.Mean([2, 3], keepDim: true), gap, 1e-6f, 1e-5f);
    }

    [Fact]
    public void StridedInputsArePooledLikeTheirContiguousCopies()
    {
        var x = Tensor.Randn(new Generator(9), 2, 3, 6, 7);
        var t = x.Transpose(2, 3);
        TensorAssert.Close(Fovea.Ops.MaxPool2d(t.Contiguous(), 2), Fovea.Ops.MaxPool2d(t, 2));
        TensorAssert.Close(Fovea.Ops.AvgPool2d(t.Contiguous(), 3, 2, 1), Fovea.Ops.AvgPool2d(t, 3, 2, 1));
    }

    [Fact]
    public void LargeInputsUseThreadsAndMatchTheSingleThreadedResult()
    {
        var gen = new Generator(11);
        var x = Tensor.Randn(gen, 4, 16, 40, 40).RequiresGrad_();
        var y = Fovea.Ops.MaxPool2d(x, 3, 2, 1);
        var g = Tensor.Randn(gen, y.Shape.ToArray());
        y.Backward(g);
        // per-plane reference on one plane slice
        var plane = Tensor.FromArray(x.ToArray().AsSpan(0, 1600 * 5).ToArray(), 1, 5, 40, 40);
        TensorAssert.Close(Fovea.Ops.MaxPool2d(plane, 3, 2, 1).ToArray(), Tensor.FromArray(y.ToArray().AsSpan(0, 5 * 400).ToArray()), 0, 0);
        Assert.Equal(g.Sum().Item(), x.Grad!.Sum().Item(), 2);
    }

    [Fact]
    public void BadArgumentsAreClearErrors()
    {
        var x = Tensor.Zeros(1, 2, 5, 5);
        Assert.Contains("half the kernel", Assert.Throws<ArgumentException>(() => Fovea.Ops.MaxPool2d(x, 2, 1, 2)).Message);
        Assert.Contains("half the kernel", Assert.Throws<ArgumentException>(() => Fovea.Ops.AvgPool2d(x, 3, 1, 2)).Message);
        Assert.Contains("too small", Assert.Throws<ShapeMismatchException>(() => Fovea.Ops.MaxPool2d(x, 3, 1, 0, 3)).Message);
        Assert.Contains("MaxPool2d", Assert.Throws<ShapeMismatchException>(() => Fovea.Ops.MaxPool2d(Tensor.Zeros(2, 5, 5), 2)).Message);
        Assert.Throws<ArgumentException>(() => Fovea.Ops.MaxPool(x, [2, 2], [0, 1], null, null, false));
        Assert.Throws<ArgumentException>(() => Fovea.Ops.MaxPool(x, [2, 2], [1, 1, 1], null, null, false));
        Assert.Throws<ArgumentException>(() => Fovea.Ops.AvgPool2d(x, 2, divisorOverride: 0));
        Assert.Throws<ArgumentException>(() => Fovea.Ops.AdaptiveAvgPool2d(x, 0, 2));
        Assert.Throws<ShapeMismatchException>(() => Fovea.Ops.GlobalAvgPool(Tensor.Zeros(2, 3)));
    }

    [Theory]
    [InlineData(5, 2, 2, 0, false, 2)]
    [InlineData(5, 2, 2, 0, true, 3)]
    [InlineData(5, 2, 2, 1, true, 3)]   // a 4th window would start in the right padding: dropped
    [InlineData(6, 2, 2, 1, true, 4)]
    [InlineData(7, 3, 2, 1, true, 4)]
    [InlineData(10, 3, 3, 1, true, 4)]
    public void OutputSizeFollowsPyTorch(int n, int k, int s, int p, bool ceil, int expected)
        => Assert.Equal(expected, Fovea.Ops.PoolOutputSize(n, k, s, p, 1, ceil));
}
