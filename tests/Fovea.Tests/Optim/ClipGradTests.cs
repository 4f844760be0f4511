using Fovea.Optim;
using Fovea.Tests.Reference;

namespace Fovea.Tests.Optim;

public class ClipGradTests
{
    [Theory]
    [InlineData("l2", 1f, 2f)]
    [InlineData("l1", 2f, 1f)]
    [InlineData("inf", 0.5f, float.PositiveInfinity)]
    [InlineData("l3", 1.5f, 3f)]
    [InlineData("noclip", 100f, 2f)]
    public void NormMatchesPyTorch(string config, float maxNorm, float normType)
    {
        var ps = new[] { Tensor.Zeros(4, 3).RequiresGrad_(), Tensor.Zeros(5).RequiresGrad_(), Tensor.Zeros(2).RequiresGrad_() };
        for (int k = 0; k < 2; k++) ps[k].Grad = OptimGolden.Get($"clip/{config}/grad/{k}").Clone();
        float total = ClipGrad.Norm(ps, maxNorm, normType);   // ps[2] has no gradient: skipped
        Assert.Equal(OptimGolden.Get($"clip/{config}/norm").Item(), total, 1e-5f * total);
        for (int k = 0; k < 2; k++) TensorAssert.Close(OptimGolden.Get($"clip/{config}/clipped/{k}"), ps[k].Grad!, atol: 1e-6f, rtol: 1e-5f);
        Assert.Null(ps[2].Grad);
    }

    [Fact]
    public void NonFiniteNormIsReported()
    {
        var p = Tensor.Zeros(3).RequiresGrad_();
        p.Grad = Tensor.FromArray([1f, float.NaN, 2f]);
        Assert.True(float.IsNaN(ClipGrad.Norm([p], 1f)));
        p.Grad = Tensor.FromArray([1f, float.PositiveInfinity, 2f]);
        var e = Assert.Throws<InvalidOperationException>(() => ClipGrad.Norm([p], 1f, errorIfNonfinite: true));
        Assert.Contains("non-finite", e.Message);
        Assert.Equal(0f, ClipGrad.Norm([Tensor.Zeros(2)], 1f));
    }

    [Fact]
    public void ValueClampsEveryElement()
    {
        var p = Tensor.Zeros(4).RequiresGrad_();
        p.Grad = Tensor.FromArray([-3f, -0.5f, 0.2f, 7f]);
        ClipGrad.Value([p], 1f);
        Assert.Equal([-1f, -0.5f, 0.2f, 1f], p.Grad.ToArray());
    }
}
