using Fovea.Tests.Reference;

namespace Fovea.Tests.OpTests;

public class InterpolateTests
{
    static bool? Ac(PoolNormGolden.Case c) => c.P("ac") == "none" ? null : c.Bool("ac");

    [Fact]
    public void AllModesMatchPyTorch()
    {
        var cases = PoolNormGolden.Cases("interpolate");
        Assert.True(cases.Count >= 20);
        foreach (var m in new[] { "nearest", "nearest-exact", "area", "linear", "bilinear", "bicubic", "trilinear" }) Assert.Contains(cases, c => c.P("mode") == m);
        foreach (var c in cases)
            PoolTests.CheckGolden(c, x => Fovea.Ops.Interpolate(x, c.Ints("size"), c.Floats("scale"), c.P("mode"), Ac(c)));
    }

    [Theory]
    [InlineData(5, 6, 9, 11, false)]
    [InlineData(5, 6, 9, 11, true)]
    [InlineData(7, 4, 3, 2, false)]
    [InlineData(7, 4, 3, 9, true)]
    [InlineData(1, 3, 4, 1, true)]
    public void BilinearMatchesNaiveReference(int h, int w, int oh, int ow, bool ac)
    {
        var x = Tensor.Randn(new Generator(h * 31 + w), 2, 3, h, w);
        var y = Fovea.Ops.Interpolate(x, [oh, ow], null, "bilinear", ac);
        TensorAssert.Close(PoolReference.ToFloat(PoolReference.Bilinear(x.ToArray(), 6, h, w, oh, ow, ac)), y, 1e-5f, 1e-4f);
    }

    [Fact]
    public void NearestUpsamplingByTwoRepeatsEachPixel()
    {
        var x = Tensor.FromArray([1f, 2f, 3f, 4f], 1, 1, 2, 2);
        var y = Fovea.Ops.Interpolate(x, null, [2f]);
        TensorAssert.Close([1f, 1f, 2f, 2f, 1f, 1f, 2f, 2f, 3f, 3f, 4f, 4f, 3f, 3f, 4f, 4f], y);
        Assert.Equal(new Shape(1, 1, 4, 4), y.Shape);
    }

    [Fact]
    public void GradientsMatchFiniteDifferences()
    {
        var gen = new Generator(4);
        // nearest: d/dx = number of outputs reading x; (bi)linear: the sum of the weights each output gives x.
        TensorAssert.GradOk(t => Fovea.Ops.Interpolate(t[0], [7], null), Tensor.Randn(gen, 2, 2, 5).RequiresGrad_());
        TensorAssert.GradOk(t => Fovea.Ops.Interpolate(t[0], null, [1.5f, 0.7f]), Tensor.Randn(gen, 1, 2, 4, 6).RequiresGrad_());
        TensorAssert.GradOk(t => Fovea.Ops.Interpolate(t[0], [3, 5, 4], null), Tensor.Randn(gen, 1, 1, 2, 3, 5).RequiresGrad_());
        TensorAssert.GradOk(t => Fovea.Ops.Interpolate(t[0], [7, 5], null, "bilinear", false), Tensor.Randn(gen, 1, 2, 4, 3).RequiresGrad_());
        TensorAssert.GradOk(t => Fovea.Ops.Interpolate(t[0], null, [1.7f, 0.6f], "bilinear", true), Tensor.Randn(gen, 1, 2, 4, 6).RequiresGrad_());
        TensorAssert.GradOk(t => Fovea.Ops.Interpolate(t[0], [9], null, "linear"), Tensor.Randn(gen, 2, 1, 4).RequiresGrad_());
        TensorAssert.GradOk(t => Fovea.Ops.Interpolate(t[0], [7, 3], null, "bicubic", false), Tensor.Randn(gen, 1, 2, 4, 5).RequiresGrad_());
        TensorAssert.GradOk(t => Fovea.Ops.Interpolate(t[0], null, [1.5f, 2f, 0.7f], "trilinear", true), Tensor.Randn(gen, 1, 1, 2, 3, 4).RequiresGrad_());
    }

    [Fact]
    public void BadArgumentsAreClearErrors()
    {
        var x = Tensor.Zeros(1, 2, 4, 4);
        Assert.Throws<ArgumentException>(() => Fovea.Ops.Interpolate(x, [2, 2], [2f]));
        Assert.Throws<ArgumentException>(() => Fovea.Ops.Interpolate(x, null, null));
        Assert.Throws<ArgumentException>(() => Fovea.Ops.Interpolate(x, [2, 2], null, "nearest", true));
        Assert.Throws<ArgumentException>(() => Fovea.Ops.Interpolate(x, [2, 2], null, "lanczos"));
        Assert.Throws<ShapeMismatchException>(() => Fovea.Ops.Interpolate(x, [2, 2], null, "trilinear"));
        Assert.Throws<ShapeMismatchException>(() => Fovea.Ops.Interpolate(Tensor.Zeros(1, 2, 4), [8], null, "bilinear"));
        Assert.Throws<ArgumentException>(() => Fovea.Ops.Interpolate(x, null, [0.1f]));
        Assert.Throws<ArgumentException>(() => Fovea.Ops.Interpolate(x, [2, 2, 2], null));
    }
}
