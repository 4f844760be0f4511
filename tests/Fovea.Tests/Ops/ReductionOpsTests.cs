using Fovea.Tests.Reference;

namespace Fovea.Tests.OpTests;

public class ReductionOpsTests
{
    static Tensor P(Generator g, params int[] s) => Tensor.Randn(g, s).RequiresGrad_();

    // Distinct values 0.1 apart in shuffled order: no ties, no order swap under a finite-difference step.
    static Tensor Distinct(Generator g, params int[] s)
    {
        int n = new Shape(s).Numel;
        var v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (i - n / 2) * 0.1f;
        g.Shuffle(v.AsSpan());
        return Tensor.FromArray(v, s).RequiresGrad_();
    }

    static (float[] vals, float[] idx) Naive(Tensor x, int axis, bool min)
    {
        var d = x.Shape.ToArray();
        int outer = d[..axis].Aggregate(1, (a, b) => a * b), n = d[axis], inner = d[(axis + 1)..].Aggregate(1, (a, b) => a * b);
        var xs = x.ToArray();
        var v = new float[outer * inner];
        var ix = new float[outer * inner];
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++)
            {
                int best = 0;
                for (int k = 1; k < n; k++)
                {
                    float a = xs[(o * n + k) * inner + i], b = xs[(o * n + best) * inner + i];
                    if (min ? a < b : a > b) best = k;
                }
                v[o * inner + i] = xs[(o * n + best) * inner + i];
                ix[o * inner + i] = best;
            }
        return (v, ix);
    }

    [Theory]
    [InlineData(new[] { 5 }, 0)]
    [InlineData(new[] { 3, 7 }, 1)]
    [InlineData(new[] { 3, 7 }, 0)]
    [InlineData(new[] { 2, 9, 5 }, 1)]
    [InlineData(new[] { 4, 1, 3 }, 1)]
    public void MaxMinArgMatchNaive(int[] shape, int axis)
    {
        var x = Tensor.Randn(new Generator(shape.Sum() + axis), shape);
        foreach (bool min in new[] { false, true })
        {
            var (v, ix) = Naive(x, axis, min);
            TensorAssert.Close(v, min ? x.Min(axis) : x.Max(axis));
            TensorAssert.Close(ix, min ? x.ArgMin(axis) : x.ArgMax(axis));
            var kept = min ? x.Min(axis - shape.Length, keepDim: true) : x.Max(axis - shape.Length, keepDim: true);
            Assert.Equal(1, kept.Shape[axis]);
        }
    }

    [Fact]
    public void AllElementReductionsAndTies()
    {
        var x = Tensor.FromArray([1f, 5f, 5f, -2f, -2f, 0f], 2, 3);
        Assert.Equal(5f, x.Max().Item());
        Assert.Equal(-2f, x.Min().Item());
        Assert.Equal(1f, x.ArgMax().Item());
        Assert.Equal(3f, x.ArgMin().Item());
        Assert.Equal(0, x.ArgMax().Rank);
        TensorAssert.Close([1f, 2f], x.ArgMax(1));                 // first of the tie (5, 5)
        TensorAssert.Close([0f], Tensor.FromArray([-2f, -2f, 0f]).ArgMin(0).Reshape(1));
        Assert.Equal(new Shape(2, 1), x.ArgMax(-1, keepDim: true).Shape);
        var nan = Tensor.FromArray([1f, float.NaN, 3f]);
        Assert.True(float.IsNaN(nan.Max().Item()));
        var xt = x.Transpose(0, 1);
        TensorAssert.Close(xt.Contiguous().Max(1), xt.Max(1));
        Assert.Equal(7f, Tensor.Scalar(7f).Max(0).Item());
        Assert.Equal(new Shape(0), Tensor.Zeros(0, 3).Max(1).Shape);
        Assert.Throws<ArgumentException>(() => Tensor.Zeros(0, 3).Max());
        Assert.Throws<ArgumentException>(() => Tensor.Zeros(2, 0).Max(1));
        // the gradient goes to the first maximum only
        var t = Tensor.FromArray([1f, 5f, 5f]).RequiresGrad_();
        t.Max().Backward();
        TensorAssert.Close([0f, 1f, 0f], t.Grad!);
    }

    [Fact]
    public void MaxMinGradCheck()
    {
        var g = new Generator(41);
        TensorAssert.GradOk(t => t[0].Max(), Distinct(g, 3, 4));
        TensorAssert.GradOk(t => t[0].Min(), Distinct(g, 7));
        TensorAssert.GradOk(t => t[0].Max(1), Distinct(g, 3, 4, 2));
        TensorAssert.GradOk(t => t[0].Min(-1, keepDim: true), Distinct(g, 3, 5));
        TensorAssert.GradOk(t => t[0].Transpose(0, 1).Max(0, keepDim: true), Distinct(g, 3, 4));
    }

    [Fact]
    public void VarAndStdMatchDoubleReference()
    {
        var x = Tensor.Randn(new Generator(42), 3, 5, 4);
        var xs = x.ToArray();
        // over axis 1, unbiased
        var exp = new float[12];
        var expPop = new float[12];
        for (int o = 0; o < 3; o++)
            for (int i = 0; i < 4; i++)
            {
                double m = 0, s = 0;
                for (int k = 0; k < 5; k++) m += xs[(o * 5 + k) * 4 + i];
                m /= 5;
                for (int k = 0; k < 5; k++) s += Math.Pow(xs[(o * 5 + k) * 4 + i] - m, 2);
                exp[o * 4 + i] = (float)(s / 4);
                expPop[o * 4 + i] = (float)(s / 5);
            }
        TensorAssert.Close(exp, x.Var(1));
        TensorAssert.Close(expPop, x.Var(-2, correction: 0));
        TensorAssert.Close(exp.Select(MathF.Sqrt).ToArray(), x.Std(1, keepDim: true));
        Assert.Equal(new Shape(3, 1, 4), x.Std(1, keepDim: true).Shape);
        Assert.Equal(new Shape(5), x.Var([0, 2]).Shape);
        Assert.True(float.IsNaN(Tensor.Ones(1, 3).Var(0)[0]));   // N − 1 = 0, as in PyTorch
        var g = new Generator(43);
        TensorAssert.GradOk(t => t[0].Var(1), P(g, 3, 4));
        TensorAssert.GradOk(t => t[0].Var([0, 2], keepDim: true, correction: 0), P(g, 2, 3, 2));
        TensorAssert.GradOk(t => t[0].Transpose(0, 1).Std(0), P(g, 3, 4));
    }
}
