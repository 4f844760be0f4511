using Fovea.Explain;
using Fovea.NN;
using Fovea.Tests.Reference;
using Fovea.Vision.Models;

namespace Fovea.Tests.ExplainTests;

public class LrpTests
{
    // A bias-free net with everything LRP folds or routes: conv + BN (random γ and σ², zero μ and β, so the folded
    // bias is zero), max- and average-pooling, a residual block with a projection shortcut, dropout, a linear head.
    static Sequential BiasFree(int seed)
    {
        var g = new Generator(seed);
        var bn = new BatchNorm2d(4);
        for (int i = 0; i < 4; i++) { bn.Weight!.Detach().Span[i] = 0.5f + g.NextFloat(); bn.RunningVar!.Detach().Span[i] = 0.5f + g.NextFloat(); }
        var model = new Sequential(
            new Conv2d(1, 4, 3, padding: 1, bias: false, generator: g), bn, new ReLU(), new MaxPool2d(2),
            new BasicBlock(4, 6, 1, g), new BasicBlock(6, 6, 1, g),
            new AvgPool2d(2), new AdaptiveAvgPool2d(1), new Flatten(), new Dropout(0.5f), new Linear(6, 3, bias: false, generator: g));
        model.Eval();
        return model;
    }

    [Fact]
    public void EpsilonRuleConservesRelevanceWithoutBiases()
    {
        var model = BiasFree(1);
        var x = Tensor.Rand(new Generator(2), 4, 1, 8, 8);
        float[] logits;
        using (Autograd.NoGrad()) logits = model.Call(x).ToArray();
        var target = Tensor.FromArray([0f, 1f, 2f, 1f], 4);
        var r = Lrp.Compute(model, x, target, LrpRule.Epsilon, epsilon: 1e-7f).ToArray();
        for (int i = 0; i < 4; i++)
        {
            double sum = 0;
            for (int j = 0; j < 64; j++) sum += r[i * 64 + j];
            float f = logits[i * 3 + (int)target[i]];
            Assert.True(Math.Abs(sum - f) <= 0.01 * Math.Abs(f) + 1e-6, $"sample {i}: Σ R = {sum}, logit = {f}");
        }
    }

    [Fact]
    public void AlphaBetaRulesMatchAHandComputationOnOneLinearLayer()
    {
        // R_j = α Σ_k (a_j w⁺_jk / Σ_i a_i w⁺_ik) R_k − β Σ_k (a_j w⁻_jk / Σ_i a_i w⁻_ik) R_k for non-negative a.
        var lin = new Linear(6, 2, bias: false, generator: new Generator(3));
        var model = new Sequential(new Flatten(), lin);
        model.Eval();
        var x = Tensor.Rand(new Generator(4), 1, 1, 2, 3);
        var w = lin.Weight.ToArray();
        var a = x.ToArray();
        float logit = 0;
        for (int j = 0; j < 6; j++) logit += w[j] * a[j];
        var target = Tensor.FromArray([0f], 1);
        foreach (var (rule, alpha, beta) in new[] { (LrpRule.Alpha1Beta0, 1.0, 0.0), (LrpRule.Alpha2Beta1, 2.0, 1.0) })
        {
            double zp = 0, zn = 0;
            for (int j = 0; j < 6; j++) { zp += a[j] * Math.Max(w[j], 0); zn += a[j] * Math.Min(w[j], 0); }
            var expected = new float[6];
            for (int j = 0; j < 6; j++)
                expected[j] = (float)(alpha * a[j] * Math.Max(w[j], 0) / zp * logit - beta * a[j] * Math.Min(w[j], 0) / zn * logit);
            TensorAssert.Close(expected, Lrp.Compute(model, x, target, rule, epsilon: 1e-9f), 1e-5f, 1e-3f);
        }
    }

    [Fact]
    public void AlphaBetaRulesRunThroughConvBlocks()
    {
        var model = BiasFree(5);
        var x = Tensor.Rand(new Generator(6), 2, 1, 8, 8);
        foreach (var rule in new[] { LrpRule.Alpha1Beta0, LrpRule.Alpha2Beta1 })
        {
            var r = Lrp.Compute(model, x, rule: rule);
            Assert.Equal(x.Shape, r.Shape);
            Assert.All(r.ToArray(), v => Assert.True(float.IsFinite(v)));
        }
    }

    [Fact]
    public void UnsupportedLayersAreNamed()
    {
        var model = new Sequential(new Conv2d(1, 2, 3), new GELU(), new Flatten(), new Linear(2 * 6 * 6, 2));
        model.Eval();
        var e = Assert.Throws<ArgumentException>(() => Lrp.Compute(model, Tensor.Zeros(1, 1, 8, 8)));
        Assert.Contains("'1'", e.Message);
        Assert.Contains("GELU", e.Message);
        var training = new Sequential(new Flatten(), new Linear(4, 2));
        Assert.Throws<ArgumentException>(() => Lrp.Compute(training, Tensor.Zeros(1, 1, 2, 2)));
    }
}
