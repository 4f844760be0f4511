using Fovea.Tests.Reference;

namespace Fovea.Tests.OpTests;

public class LinearOpTests
{
    // The fused op against x·Wᵀ + b from MatMul and Add, values and gradients, for 1-D to 3-D inputs and odd sizes.
    [Theory]
    [InlineData(new[] { 7 }, 5, true)]
    [InlineData(new[] { 3, 7 }, 5, true)]
    [InlineData(new[] { 2, 3, 9 }, 4, false)]
    [InlineData(new[] { 1, 33 }, 17, true)]
    public void MatchesMatMulPlusBias(int[] xShape, int outF, bool withBias)
    {
        var gen = new Generator(11);
        int inF = xShape[^1];
        var x = Tensor.Randn(gen, xShape).RequiresGrad_();
        var w = Tensor.Randn(gen, outF, inF).RequiresGrad_();
        var b = withBias ? Tensor.Randn(gen, outF).RequiresGrad_() : null;
        var y = Ops.Linear(x, w, b);
        var proj = Tensor.Randn(gen, y.Shape.ToArray());
        Ops.Sum(y * proj).Backward();

        var x2 = x.Detach().Clone().RequiresGrad_();
        var w2 = w.Detach().Clone().RequiresGrad_();
        var b2 = b?.Detach().Clone().RequiresGrad_();
        var y2 = Ops.MatMul(x2, Ops.Transpose(w2, 0, 1));
        if (b2 is not null) y2 = y2 + b2;
        Ops.Sum(y2 * proj).Backward();

        TensorAssert.Close(y2, y, 1e-5f, 1e-5f);
        TensorAssert.Close(x2.Grad!, x.Grad!, 1e-5f, 1e-5f);
        TensorAssert.Close(w2.Grad!, w.Grad!, 1e-5f, 1e-5f);
        if (b is not null) TensorAssert.Close(b2!.Grad!, b.Grad!, 1e-5f, 1e-5f);
    }

    // d/dx = g·W, d/dW = gᵀ·x, d/db = Σ g.
    [Fact]
    public void GradientMatchesFiniteDifferences()
    {
        var gen = new Generator(12);
        var x = Tensor.Randn(gen, 4, 3).RequiresGrad_();
        var w = Tensor.Randn(gen, 5, 3).RequiresGrad_();
        var b = Tensor.Randn(gen, 5).RequiresGrad_();
        var r = GradCheck.Check(t => Ops.Linear(t[0], t[1], t[2]), [x, w, b]);
        Assert.True(r.Ok, r.Message);
    }

    [Fact]
    public void WrongFeaturesThrowShapeMismatch()
    {
        var e = Assert.Throws<ShapeMismatchException>(() => Ops.Linear(Tensor.Zeros(2, 4), Tensor.Zeros(3, 5)));
        Assert.Contains("Linear", e.Message);
    }
}
