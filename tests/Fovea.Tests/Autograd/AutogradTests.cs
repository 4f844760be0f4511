using Fovea.Tests.Reference;

namespace Fovea.Tests.AutogradTests;

public class AutogradTests
{
    static Tensor P(Generator g, params int[] s) => Tensor.Randn(g, s).RequiresGrad_();

    [Fact]
    public void ChainRuleThroughSharedInputs()
    {
        // y = sum(x*x + x) -> dy/dx = 2x + 1
        var x = Tensor.FromArray([1f, -2f, 3f]).RequiresGrad_();
        var y = (x * x + x).Sum();
        y.Backward();
        TensorAssert.Close([3f, -3f, 7f], x.Grad!);
    }

    [Fact]
    public void GradientsAccumulateAcrossBackwardCalls()
    {
        var x = Tensor.FromArray([2f]).RequiresGrad_();
        (x * 3f).Sum().Backward();
        (x * 3f).Sum().Backward();
        TensorAssert.Close([6f], x.Grad!);
    }

    [Fact]
    public void SecondBackwardThroughFreedGraphIsAClearError()
    {
        var x = Tensor.FromArray([2f]).RequiresGrad_();
        var y = (x * x).Sum();
        y.Backward();
        var e = Assert.Throws<InvalidOperationException>(() => y.Backward());
        Assert.Contains("second time", e.Message);
    }

    [Fact]
    public void RetainGraphAllowsASecondBackward()
    {
        var x = Tensor.FromArray([2f]).RequiresGrad_();
        var y = (x * x).Sum();
        y.Backward(retainGraph: true);
        y.Backward();
        TensorAssert.Close([8f], x.Grad!);
    }

    [Fact]
    public void NoGradRecordsNothingAndDetachCuts()
    {
        var x = Tensor.FromArray([2f]).RequiresGrad_();
        using (Autograd.NoGrad())
        {
            var y = x * x;
            Assert.False(y.RequiresGrad);
        }
        var d = (x * x).Detach();
        Assert.False(d.RequiresGrad);
        Assert.True(d.IsLeaf);
    }

    [Fact]
    public void ExplicitGradientAndHooksSeeTheGradient()
    {
        var x = Tensor.FromArray([1f, 2f]).RequiresGrad_();
        var h = x * 2f;
        Tensor? seen = null;
        h.RegisterHook(g => seen = g.Clone());
        h.RetainGrad();
        var y = h * h;
        y.Backward(Tensor.FromArray([1f, 10f]));
        TensorAssert.Close([4f, 80f], seen!);           // dy/dh = 2h * g
        TensorAssert.Close([4f, 80f], h.Grad!);
        TensorAssert.Close([8f, 160f], x.Grad!);
    }

    [Fact]
    public void BroadcastingOpsPassGradCheck()
    {
        var g = new Generator(7);
        TensorAssert.GradOk(t => t[0] + t[1], P(g, 2, 3, 4), P(g, 3, 1));
        TensorAssert.GradOk(t => t[0] - t[1], P(g, 2, 3, 4), P(g, 4));
        TensorAssert.GradOk(t => t[0] * t[1], P(g, 2, 1, 4), P(g, 3, 1));
        TensorAssert.GradOk(t => t[0] / (t[1] * t[1] + 1f), P(g, 2, 3), P(g, 1, 3));
        TensorAssert.GradOk(t => 2f / (t[0] * t[0] + 1f), P(g, 5));
        TensorAssert.GradOk(t => 1f - t[0], P(g, 5));
    }

    [Fact]
    public void ViewsAndReductionsPassGradCheck()
    {
        var g = new Generator(8);
        TensorAssert.GradOk(t => t[0].Transpose(0, 2).Reshape(4, -1) * 2f, P(g, 2, 3, 4));
        TensorAssert.GradOk(t => t[0].Permute(2, 0, 1).Contiguous(), P(g, 2, 3, 4));
        TensorAssert.GradOk(t => t[0].Expand(3, 2, 4) * 1f, P(g, 2, 1));
        TensorAssert.GradOk(t => t[0].Sum([0, 2], keepDim: true), P(g, 2, 3, 4));
        TensorAssert.GradOk(t => t[0].Mean(1), P(g, 2, 3, 4));
        TensorAssert.GradOk(t => t[0].Sum(), P(g, 3, 4));
    }

    [Fact]
    public void MatMulPassesGradCheckIncludingBatchBroadcastAndTransposedViews()
    {
        var g = new Generator(9);
        TensorAssert.GradOk(t => t[0].MatMul(t[1]), P(g, 3, 4), P(g, 4, 5));
        TensorAssert.GradOk(t => t[0].MatMul(t[1]), P(g, 2, 3, 4), P(g, 4, 2));
        TensorAssert.GradOk(t => t[0].MatMul(t[1].Transpose(0, 1)), P(g, 3, 4), P(g, 5, 4));
        TensorAssert.GradOk(t => t[0].MatMul(t[1]), P(g, 4), P(g, 2, 4, 3));
        TensorAssert.GradOk(t => t[0].MatMul(t[1]), P(g, 4), P(g, 4));
        TensorAssert.GradOk(t => t[0].Relu() * 1f, Tensor.FromArray([-1f, 0.5f, 2f, -0.3f]).RequiresGrad_());
    }
}
