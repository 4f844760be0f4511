using Fovea.Tests.Reference;

namespace Fovea.Tests.OpTests;

public class NormTests
{
    static Tensor? Leaf(PoolNormGolden.Case c, string name) => c.Get(name)?.Clone().RequiresGrad_();

    /// <summary>Runs f(x, w, b), backpropagates the case's g and compares y, gx, gw, gb with PyTorch's.</summary>
    static void CheckGolden(PoolNormGolden.Case c, Func<Tensor, Tensor?, Tensor?, Tensor> f, float atol = 1e-5f, float rtol = 1e-4f, Action? more = null)
    {
        var x = Leaf(c, "x")!;
        var w = Leaf(c, "w");
        var b = Leaf(c, "b");
        try
        {
            var y = f(x, w, b);
            TensorAssert.Close(c["y"], y, atol, rtol);
            more?.Invoke();
            y.Backward(c["g"]);
            TensorAssert.Close(c["gx"], x.Grad!, atol, rtol);
            if (w is not null) TensorAssert.Close(c["gw"], w.Grad!, atol, rtol);
            if (b is not null) TensorAssert.Close(c["gb"], b.Grad!, atol, rtol);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new Xunit.Sdk.XunitException($"{c}: {e.Message}");
        }
    }

    [Fact]
    public void BatchNormMatchesPyTorchInTrainingAndEvaluation()
    {
        var cases = PoolNormGolden.Cases("batchnorm");
        Assert.True(cases.Count >= 12);
        Assert.Contains(cases, c => c.Bool("training") && c["x"].Rank == 5);
        foreach (var c in cases)
        {
            var rm = c.Get("rm")?.Clone();
            var rv = c.Get("rv")?.Clone();
            CheckGolden(c, (x, w, b) => Fovea.Ops.BatchNorm(x, rm, rv, w, b, c.Bool("training"), c.Float("momentum"), c.Float("eps")),
                more: () =>
                {
                    if (rm is null) return;
                    TensorAssert.Close(c["rmout"], rm, 1e-6f, 1e-5f);
                    TensorAssert.Close(c["rvout"], rv!, 1e-6f, 1e-5f);
                });
        }
    }

    [Fact]
    public void LayerGroupInstanceAndLocalResponseNormMatchPyTorch()
    {
        foreach (var c in PoolNormGolden.Cases("layernorm"))
            CheckGolden(c, (x, w, b) => Fovea.Ops.LayerNorm(x, c.Ints("ns")!, w, b, c.Float("eps")));
        foreach (var c in PoolNormGolden.Cases("groupnorm"))
            CheckGolden(c, (x, w, b) => Fovea.Ops.GroupNorm(x, c.Int("groups"), w, b, c.Float("eps")));
        foreach (var c in PoolNormGolden.Cases("instancenorm"))
            CheckGolden(c, (x, w, b) => Fovea.Ops.InstanceNorm(x, w, b, c.Float("eps")));
        foreach (var c in PoolNormGolden.Cases("lrn"))
            CheckGolden(c, (x, _, _) => Fovea.Ops.LocalResponseNorm(x, c.Int("size"), c.Float("alpha"), c.Float("beta"), c.Float("k")));
        Assert.True(PoolNormGolden.Cases("layernorm").Count >= 4 && PoolNormGolden.Cases("groupnorm").Count >= 4 && PoolNormGolden.Cases("lrn").Count >= 3);
    }

    [Theory]
    [InlineData(new[] { 5, 3 })]
    [InlineData(new[] { 2, 3, 1 })]
    [InlineData(new[] { 3, 4, 17 })]
    [InlineData(new[] { 2, 5, 7, 9 })]
    [InlineData(new[] { 2, 2, 3, 5, 7 })]
    [InlineData(new[] { 1, 3, 33, 35 })]
    public void NormsMatchNaiveReferenceOnOddShapes(int[] shape)
    {
        var gen = new Generator(shape.Sum());
        var x = Tensor.Randn(gen, shape) * 2f + 0.7f;
        int n = shape[0], c = shape[1], s = shape.Skip(2).Aggregate(1, (a, b) => a * b);
        var w = Tensor.Randn(gen, c);
        var b = Tensor.Randn(gen, c);
        var rm = Tensor.Zeros(c);
        var rv = Tensor.Ones(c);
        var (ry, rmean, rvar) = NormReference.BatchNorm(x.ToArray(), n, c, s, w.ToArray(), b.ToArray(), 1e-5);
        TensorAssert.Close(PoolReference.ToFloat(ry), Fovea.Ops.BatchNorm(x, rm, rv, w, b, true, 0.25f), 1e-5f, 1e-4f);
        TensorAssert.Close(PoolReference.ToFloat(rmean.Select(v => 0.25 * v).ToArray()), rm, 1e-6f, 1e-5f);
        TensorAssert.Close(PoolReference.ToFloat(rvar.Select(v => 0.75 + 0.25 * v).ToArray()), rv, 1e-6f, 1e-5f);

        foreach (int groups in new[] { 1, c })
            TensorAssert.Close(PoolReference.ToFloat(NormReference.GroupNorm(x.ToArray(), n, c, s, groups, w.ToArray(), b.ToArray(), 1e-5)),
                Fovea.Ops.GroupNorm(x, groups, w, b), 1e-5f, 1e-4f);
        int d = shape[^1];
        var lw = Tensor.Randn(gen, d);
        TensorAssert.Close(PoolReference.ToFloat(NormReference.LayerNorm(x.ToArray(), x.Numel / d, d, lw.ToArray(), null, 1e-5)),
            Fovea.Ops.LayerNorm(x, [d], lw, null), 1e-5f, 1e-4f);
        if (shape.Length >= 3)
            TensorAssert.Close(PoolReference.ToFloat(NormReference.LocalResponseNorm(x.ToArray(), n, c, s, 3, 0.1, 0.75, 1.0)),
                Fovea.Ops.LocalResponseNorm(x, 3, 0.1f, 0.75f), 1e-5f, 1e-4f);
    }

    [Fact]
    public void EvaluationUsesRunningStatisticsAndLeavesThemAlone()
    {
        var x = Tensor.FromArray([1f, 2f, 3f, 4f], 2, 2);
        var rm = Tensor.FromArray([1f, -1f]);
        var rv = Tensor.FromArray([4f, 0.25f]);
        var y = Fovea.Ops.BatchNorm(x, rm, rv, null, Tensor.FromArray([0.5f, 0f]), training: false, eps: 0f);
        // (x - rm)/sqrt(rv) + b
        TensorAssert.Close([0.5f, 6f, 1.5f, 10f], y);
        TensorAssert.Close([1f, -1f], rm);
        TensorAssert.Close([4f, 0.25f], rv);
    }

    [Fact]
    public void GradientsMatchFiniteDifferences()
    {
        var gen = new Generator(21);
        Tensor R(params int[] s) => Tensor.Randn(gen, s).RequiresGrad_();
        // batch norm, training: d/dx = w·invstd·(g - mean(g) - x̂·mean(g·x̂)); d/dw = Σ g·x̂; d/db = Σ g.
        TensorAssert.GradOk(t => Fovea.Ops.BatchNorm(t[0], null, null, t[1], t[2], true), R(3, 2, 5), R(2), R(2));
        TensorAssert.GradOk(t => Fovea.Ops.BatchNorm(t[0], null, null, t[1], t[2], true), R(4, 3), R(3), R(3));
        TensorAssert.GradOk(t => Fovea.Ops.BatchNorm(t[0], null, null, t[1], null, true), R(2, 2, 3, 3), R(2));
        // evaluation: d/dx = g·w/sqrt(rv + eps).
        var rm = Tensor.Randn(gen, 3);
        var rv = Tensor.Rand(gen, 3) + 0.5f;
        TensorAssert.GradOk(t => Fovea.Ops.BatchNorm(t[0], rm, rv, t[1], t[2], false), R(2, 3, 2, 2), R(3), R(3));
        // layer / group / instance norm: d/dx = rstd·(ĝ - mean(ĝ) - x̂·mean(ĝ·x̂)).
        TensorAssert.GradOk(t => Fovea.Ops.LayerNorm(t[0], [3, 4], t[1], t[2]), R(2, 3, 4), R(3, 4), R(3, 4));
        TensorAssert.GradOk(t => Fovea.Ops.LayerNorm(t[0], [5], null, null), R(3, 5));
        TensorAssert.GradOk(t => Fovea.Ops.GroupNorm(t[0], 2, t[1], t[2]), R(2, 4, 3, 2), R(4), R(4));
        TensorAssert.GradOk(t => Fovea.Ops.InstanceNorm(t[0], t[1], null), R(2, 3, 5), R(3));
        // local response norm: d/dx[j] = g[j]·den[j]^-β - 2αβ/size·x[j]·Σ g[c]·y[c]/den[c].
        TensorAssert.GradOk(t => Fovea.Ops.LocalResponseNorm(t[0], 3, 0.5f, 0.75f, 1f), R(2, 5, 2, 3));
    }

    [Fact]
    public void LargeInputsUseThreadsAndStillMatchTheReference()
    {
        var gen = new Generator(8);
        var x = Tensor.Randn(gen, 8, 16, 24, 24);
        var (ry, _, _) = NormReference.BatchNorm(x.ToArray(), 8, 16, 576, null, null, 1e-5);
        TensorAssert.Close(PoolReference.ToFloat(ry), Fovea.Ops.BatchNorm(x, null, null, null, null, true), 1e-5f, 1e-4f);
        TensorAssert.Close(PoolReference.ToFloat(NormReference.GroupNorm(x.ToArray(), 8, 16, 576, 4, null, null, 1e-5)),
            Fovea.Ops.GroupNorm(x, 4, null, null), 1e-5f, 1e-4f);
    }

    [Fact]
    public void BadArgumentsAreClearErrors()
    {
        var x = Tensor.Zeros(2, 3, 4);
        Assert.Contains("more than 1 value", Assert.Throws<ArgumentException>(() => Fovea.Ops.BatchNorm(Tensor.Zeros(1, 3), null, null, null, null, true)).Message);
        Assert.Contains("running statistics", Assert.Throws<ArgumentException>(() => Fovea.Ops.BatchNorm(x, null, null, null, null, false)).Message);
        Assert.Contains("weight", Assert.Throws<ShapeMismatchException>(() => Fovea.Ops.BatchNorm(x, null, null, Tensor.Ones(4), null, true)).Message);
        Assert.Throws<ArgumentException>(() => Fovea.Ops.BatchNorm(x, Tensor.Zeros(3), null, null, null, true));
        Assert.Throws<ShapeMismatchException>(() => Fovea.Ops.BatchNorm(Tensor.Zeros(3), null, null, null, null, true));
        Assert.Throws<ShapeMismatchException>(() => Fovea.Ops.LayerNorm(x, [3], null, null));
        Assert.Throws<ShapeMismatchException>(() => Fovea.Ops.LayerNorm(x, [4], Tensor.Ones(3), null));
        Assert.Contains("divide", Assert.Throws<ArgumentException>(() => Fovea.Ops.GroupNorm(x, 2, null, null)).Message);
        Assert.Throws<ShapeMismatchException>(() => Fovea.Ops.InstanceNorm(Tensor.Zeros(2, 3)));
        Assert.Throws<ShapeMismatchException>(() => Fovea.Ops.LocalResponseNorm(Tensor.Zeros(2, 3), 2));
    }
}
