using Fovea.Tests.Reference;

namespace Fovea.Tests.OpTests;

public class ElementwiseOpsTests
{
    static Tensor P(Generator g, params int[] s) => Tensor.Randn(g, s).RequiresGrad_();

    [Fact]
    public void ComparisonsBroadcastAndGiveZeroOne()
    {
        var a = Tensor.FromArray([1f, 2f, 3f, 4f, 5f, 6f], 2, 3);
        var b = Tensor.FromArray([2f, 2f, 7f]);
        TensorAssert.Close([0f, 1, 0, 0, 0, 0], a.Eq(b));
        TensorAssert.Close([1f, 0, 1, 1, 1, 1], a.Ne(b));
        TensorAssert.Close([0f, 0, 0, 1, 1, 0], a.Gt(b));
        TensorAssert.Close([0f, 1, 0, 1, 1, 0], a.Ge(b));
        TensorAssert.Close([1f, 0, 1, 0, 0, 1], a.Lt(b));
        TensorAssert.Close([1f, 1, 1, 0, 0, 1], a.Le(b));
        TensorAssert.Close([0f, 0, 1, 0, 0, 0], a.Eq(3f));
        TensorAssert.Close([0f, 0, 0, 1, 1, 1], a.Gt(3f));
        TensorAssert.Close([1f, 1, 1, 0, 0, 0], a.Le(3f));
        TensorAssert.Close([1f, 1, 0, 0, 0, 0], a.Lt(3f));
        TensorAssert.Close([0f, 0, 1, 1, 1, 1], a.Ge(3f));
        TensorAssert.Close([1f, 1, 0, 1, 1, 1], a.Ne(3f));
        var nan = Tensor.FromArray([float.NaN]);
        TensorAssert.Close([0f], nan.Eq(nan));
        TensorAssert.Close([1f], nan.Ne(nan));
        TensorAssert.Close([1f, 0, 0, 0, 0, 1], a.T.Eq(Tensor.FromArray([1f, 4f, 6f], 3, 1)));   // strided: a.T = [[1,4],[2,5],[3,6]]
        var r = P(new Generator(1), 3).Gt(0f);
        Assert.False(r.RequiresGrad);
        Assert.Throws<ShapeMismatchException>(() => a.Eq(Tensor.Ones(2)));
        // long inputs take every vector width plus a tail
        var x = Tensor.Randn(new Generator(2), 77);
        var y = Tensor.Randn(new Generator(3), 77);
        TensorAssert.Close(x.ToArray().Zip(y.ToArray(), (p, q) => p < q ? 1f : 0f).ToArray(), x.Lt(y));
    }

    [Fact]
    public void WhereBroadcastsAndRoutesGradients()
    {
        var c = Tensor.FromArray([1f, 0f, 2f], 3, 1);
        var a = Tensor.FromArray([10f, 20f]);
        var b = Tensor.Scalar(-1f);
        var y = Fovea.Ops.Where(c, a, b);
        Assert.Equal(new Shape(3, 2), y.Shape);
        TensorAssert.Close([10f, 20, -1, -1, 10, 20], y);
        TensorAssert.Close([10f, 20, -1, -1, 10, 20], a.Where(c, b));
        var g = new Generator(71);
        var cond = Tensor.RandInt(g, 0, 2, 2, 3);
        TensorAssert.GradOk(t => Fovea.Ops.Where(cond, t[0], t[1]), P(g, 2, 3), P(g, 3));   // g·c to a, g·(1 − c) to b
        TensorAssert.GradOk(t => Fovea.Ops.Where(cond.T, t[0].T, t[1]), P(g, 2, 3), P(g));
        Assert.Throws<ShapeMismatchException>(() => Fovea.Ops.Where(Tensor.Ones(2), Tensor.Ones(3), Tensor.Ones(3)));
    }

    [Fact]
    public void MaximumMinimumSplitTiesLikePyTorch()
    {
        var a = Tensor.FromArray([1f, 5f, 3f]).RequiresGrad_();
        var b = Tensor.FromArray([2f, 5f, 1f]).RequiresGrad_();
        var y = a.Maximum(b);
        TensorAssert.Close([2f, 5f, 3f], y);
        y.Sum().Backward();
        TensorAssert.Close([0f, 0.5f, 1f], a.Grad!);
        TensorAssert.Close([1f, 0.5f, 0f], b.Grad!);
        TensorAssert.Close([1f, 5f, 1f], Tensor.FromArray([1f, 5f, 3f]).Minimum(Tensor.FromArray([2f, 5f, 1f])));
        Assert.True(float.IsNaN(Tensor.FromArray([float.NaN]).Maximum(Tensor.FromArray([1f])).Item()));
        var g = new Generator(72);
        TensorAssert.GradOk(t => t[0].Maximum(t[1]), P(g, 2, 3), P(g, 3));
        TensorAssert.GradOk(t => t[0].T.Minimum(t[1]), P(g, 3, 2), P(g, 2, 1));
    }

    [Fact]
    public void SmallMathOps()
    {
        var x = Tensor.FromArray([-2.5f, -1.5f, -0.5f, 0f, 0.5f, 1.5f, 2.5f, 2.7f, -0.2f]);
        TensorAssert.Close([-2f, -2, -0f, 0, 0, 2, 2, 3, -0f], x.Round());               // halves to even
        TensorAssert.Close([-3f, -2, -1, 0, 0, 1, 2, 2, -1], x.Floor());
        TensorAssert.Close([-1f, -1, -1, 0, 1, 1, 1, 1, -1], x.Sign());
        TensorAssert.Close([-0.4f, -2f / 3, -2, float.PositiveInfinity, 2, 2f / 3, 0.4f, 1 / 2.7f, -5], x.Reciprocal());
        TensorAssert.Close([(float)NaiveMath.Erf(0.3), (float)NaiveMath.Erf(-1.7)], Tensor.FromArray([0.3f, -1.7f]).Erf());
        var g = new Generator(73);
        var away = Tensor.FromArray([-2f, -0.7f, 0.6f, 1.5f, 3f]).RequiresGrad_();
        TensorAssert.GradOk(t => t[0].Reciprocal(), away);                                 // −1/x²
        var r = Tensor.FromArray([0.3f, 1.2f]).RequiresGrad_();
        (r.Round() + r.Floor() + r.Sign()).Sum().Backward();                               // all zero gradients
        TensorAssert.Close([0f, 0f], r.Grad!);
        TensorAssert.GradOk(t => t[0].T.Erf(), P(g, 2, 3));
    }

    [Fact]
    public void CumSumForwardAndReversedBackward()
    {
        var x = Tensor.FromArray([1f, 2f, 3f, 4f, 5f, 6f], 2, 3);
        TensorAssert.Close([1f, 3, 6, 4, 9, 15], x.CumSum(1));
        TensorAssert.Close([1f, 2, 3, 5, 7, 9], x.CumSum(-2));
        TensorAssert.Close([1f, 5, 2, 7, 3, 9], x.T.CumSum(1));
        Assert.Equal(new Shape(0, 3), Tensor.Zeros(0, 3).CumSum(1).Shape);
        Assert.Equal(5f, Tensor.Scalar(5f).CumSum(0).Item());
        var g = new Generator(74);
        TensorAssert.GradOk(t => t[0].CumSum(1), P(g, 3, 4));
        TensorAssert.GradOk(t => t[0].CumSum(0), P(g, 4, 2, 3));
        TensorAssert.GradOk(t => t[0].T.CumSum(-1), P(g, 3, 2));
    }

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(3, 17, 1)]
    [InlineData(2, 9, 5)]
    [InlineData(1, 70, 33)]
    public void CumSumKernelMatchesDoubleReference(int outer, int n, int inner)
    {
        var x = Tensor.Randn(new Generator(outer + n + inner), outer, n, inner);
        var xs = x.ToArray();
        var exp = new float[xs.Length];
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++)
            {
                double s = 0;
                for (int k = 0; k < n; k++) { s += xs[(o * n + k) * inner + i]; exp[(o * n + k) * inner + i] = (float)s; }
            }
        TensorAssert.Close(exp, x.CumSum(1).ToArray(), 1e-5f, 1e-4f);
    }
}
