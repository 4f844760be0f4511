using Fovea.NN;
using Fovea.Tests.Reference;

namespace Fovea.Tests.NN;

public class LossTests
{
    static readonly LossReduction[] Reductions = [LossReduction.None, LossReduction.Mean, LossReduction.Sum];

    static Tensor P(Generator g, params int[] s) => Tensor.Randn(g, s).RequiresGrad_();

    /// <summary>Class indices in [0, c) with every <paramref name="ignoreEvery"/>-th set to <paramref name="ignore"/>.</summary>
    static Tensor Labels(Generator g, int c, int[] shape, int ignoreEvery = 0, int ignore = -100)
    {
        var t = Tensor.RandInt(g, 0, c, shape).ToArray();
        if (ignoreEvery > 0) for (int i = 1; i < t.Length; i += ignoreEvery) t[i] = ignore;
        return Tensor.FromArray(t, shape);
    }

    /// <summary>Rows of a probability distribution along axis 1.</summary>
    static Tensor Probabilities(Generator g, int[] shape)
    {
        var u = Tensor.Rand(g, shape).ToArray();
        int c = shape[1], s = 1;
        for (int i = 2; i < shape.Length; i++) s *= shape[i];
        for (int b = 0; b < shape[0]; b++)
            for (int p = 0; p < s; p++)
            {
                float sum = 0;
                for (int k = 0; k < c; k++) sum += u[(b * c + k) * s + p] += 0.05f;
                for (int k = 0; k < c; k++) u[(b * c + k) * s + p] /= sum;
            }
        return Tensor.FromArray(u, shape);
    }

    // d/dz CE = a·(softmax(z)·k1 − weighted one-hot − smoothing), checked numerically for every option.
    [Theory]
    [InlineData(new[] { 5, 4 }, false, 0, 0f)]
    [InlineData(new[] { 5, 4 }, true, 0, 0f)]
    [InlineData(new[] { 6, 3 }, true, 3, 0f)]
    [InlineData(new[] { 6, 3 }, false, 2, 0.2f)]
    [InlineData(new[] { 6, 5 }, true, 4, 0.1f)]
    [InlineData(new[] { 2, 3, 4, 3 }, false, 0, 0f)]
    [InlineData(new[] { 2, 3, 4, 3 }, true, 5, 0.3f)]
    [InlineData(new[] { 2, 4, 5 }, false, 3, 0.1f)]
    [InlineData(new[] { 7 }, true, 0, 0.2f)]
    public void CrossEntropyIndexGradients(int[] shape, bool weighted, int ignoreEvery, float smoothing)
    {
        var g = new Generator(11);
        int c = shape.Length == 1 ? shape[0] : shape[1];
        var rowShape = shape.Length == 1 ? Array.Empty<int>() : shape.Where((_, i) => i != 1).ToArray();
        var target = shape.Length == 1 ? Tensor.Scalar(3) : Labels(g, c, rowShape, ignoreEvery);
        var w = weighted ? Tensor.Rand(g, c) + 0.5f : null;
        foreach (var r in Reductions)
            TensorAssert.GradOk(x => Losses.CrossEntropy(x[0], target, w, reduction: r, labelSmoothing: smoothing), P(g, shape));
    }

    // Probability targets: d/dz = a·(softmax·Σ w t' − w t'), d/dt = a·(1−ε)·w·(lse − z).
    [Theory]
    [InlineData(new[] { 4, 5 }, false, 0f)]
    [InlineData(new[] { 4, 5 }, true, 0.25f)]
    [InlineData(new[] { 2, 3, 2, 2 }, true, 0f)]
    [InlineData(new[] { 2, 3, 5 }, false, 0.1f)]
    public void CrossEntropyProbabilityGradients(int[] shape, bool weighted, float smoothing)
    {
        var g = new Generator(12);
        var w = weighted ? Tensor.Rand(g, shape[1]) + 0.5f : null;
        foreach (var r in Reductions)
            TensorAssert.GradOk(x => Losses.CrossEntropy(x[0], x[1], w, reduction: r, labelSmoothing: smoothing),
                P(g, shape), Probabilities(g, shape).RequiresGrad_());
    }

    // d/dx NLL = −w_y at the target class.
    [Theory]
    [InlineData(new[] { 5, 4 }, false, 0)]
    [InlineData(new[] { 6, 3 }, true, 3)]
    [InlineData(new[] { 2, 3, 4 }, true, 2)]
    public void NllGradients(int[] shape, bool weighted, int ignoreEvery)
    {
        var g = new Generator(13);
        int c = shape[1];
        var rowShape = shape.Where((_, i) => i != 1).ToArray();
        var target = Labels(g, c, rowShape, ignoreEvery, ignore: 1);
        var w = weighted ? Tensor.Rand(g, c) + 0.5f : null;
        foreach (var r in Reductions)
            TensorAssert.GradOk(x => Losses.Nll(x[0], target, w, ignoreIndex: 1, reduction: r), P(g, shape));
    }

    /// <summary>Inputs and targets whose differences keep away from the kinks at 0 and ±1 (so finite differences are exact).</summary>
    static (Tensor x, Tensor t) AwayFromKinks(Generator g, params int[] shape)
    {
        var x = Tensor.Randn(g, shape).ToArray();
        var t = new float[x.Length];
        float[] offsets = [-2.3f, -0.6f, -0.2f, 0.3f, 0.7f, 1.8f, -1.4f, 0.45f];
        for (int i = 0; i < x.Length; i++) t[i] = x[i] - offsets[i % offsets.Length];
        return (Tensor.FromArray(x, shape).RequiresGrad_(), Tensor.FromArray(t, shape).RequiresGrad_());
    }

    [Fact]
    public void RegressionLossGradients()
    {
        var g = new Generator(14);
        foreach (var r in Reductions)
        {
            // MSE: d/dx = 2(x − t); L1: sign(x − t); SmoothL1/Huber: d/β or sign, d or δ·sign.
            var (x, t) = AwayFromKinks(g, 3, 5);
            TensorAssert.GradOk(v => Losses.Mse(v[0], v[1], r), x, t);
            TensorAssert.GradOk(v => Losses.L1(v[0], v[1], r), x, t);
            TensorAssert.GradOk(v => Losses.SmoothL1(v[0], v[1], r), x, t);
            TensorAssert.GradOk(v => Losses.SmoothL1(v[0], v[1], r, beta: 0.5f), x, t);
            TensorAssert.GradOk(v => Losses.Huber(v[0], v[1], r), x, t);
            TensorAssert.GradOk(v => Losses.Huber(v[0], v[1], r, delta: 0.5f), x, t);
        }
    }

    [Fact]
    public void BinaryCrossEntropyGradients()
    {
        var g = new Generator(15);
        foreach (var r in Reductions)
        {
            // BCE: d/dx = (x − t)/(x(1 − x)), d/dt = log(1 − x) − log x.
            var p = (Tensor.Rand(g, 4, 3) * 0.8f + 0.1f).Detach().RequiresGrad_();
            var t = Tensor.Rand(g, 4, 3).RequiresGrad_();
            var w = Tensor.Rand(g, 3) + 0.5f;
            TensorAssert.GradOk(v => Losses.BinaryCrossEntropy(v[0], v[1], reduction: r), p, t);
            TensorAssert.GradOk(v => Losses.BinaryCrossEntropy(v[0], v[1], w, r), p, t);
            // With logits: d/dx = (1 + (pw − 1)t)·σ(x) − pw·t.
            var z = P(g, 4, 3);
            var pw = Tensor.Rand(g, 3) * 3f + 0.2f;
            TensorAssert.GradOk(v => Losses.BinaryCrossEntropyWithLogits(v[0], v[1], reduction: r), z, t);
            TensorAssert.GradOk(v => Losses.BinaryCrossEntropyWithLogits(v[0], v[1], w, pw, r), z, t);
        }
    }

    [Fact]
    public void KLDivGradients()
    {
        var g = new Generator(16);
        var logp = P(g, 3, 4);
        var q = Probabilities(g, [3, 4]).RequiresGrad_();
        var logq = Tensor.Randn(g, 3, 4).RequiresGrad_();
        foreach (var r in new[] { LossReduction.None, LossReduction.Mean, LossReduction.Sum, LossReduction.BatchMean })
        {
            // d/dx = −t (or −e^t); d/dt = log t + 1 − x (or e^t(t − x + 1)).
            TensorAssert.GradOk(v => Losses.KLDiv(v[0], v[1], r), logp, q);
            TensorAssert.GradOk(v => Losses.KLDiv(v[0], v[1], r, logTarget: true), logp, logq);
        }
    }

    [Fact]
    public void CrossEntropyIsStableForHugeLogits()
    {
        var x = Tensor.FromArray([1000f, 0f, -1000f, 3e4f, 3e4f, 0f], 2, 3).RequiresGrad_();
        var loss = Losses.CrossEntropy(x, Tensor.FromArray([0f, 2f]));
        Assert.True(float.IsFinite(loss.Item()));
        Assert.Equal((0 + 3e4f + MathF.Log(2)) / 2, loss.Item(), 1e-2f);   // row 2: lse − 0 = 3e4 + log 2
        loss.Backward();
        Assert.All(x.Grad!.ToArray(), v => Assert.True(float.IsFinite(v)));
        var big = Tensor.FromArray([100f, -100f]);
        Assert.Equal(100f, Losses.BinaryCrossEntropyWithLogits(big, Tensor.FromArray([0f, 1f]), reduction: LossReduction.Sum).Item() / 2, 1e-4f);
    }

    [Fact]
    public void IgnoredRowsGetNoGradientAndAllIgnoredMeanIsNaN()
    {
        var x = Tensor.Randn(new Generator(3), 3, 4).RequiresGrad_();
        Losses.CrossEntropy(x, Tensor.FromArray([1f, -100f, 2f])).Backward();
        var gr = x.Grad!.ToArray();
        for (int k = 4; k < 8; k++) Assert.Equal(0f, gr[k]);
        Assert.True(float.IsNaN(Losses.CrossEntropy(x, Tensor.FromArray([-100f, -100f, -100f])).Item()));
    }

    [Fact]
    public void ClassesAndModulesAgreeWithFunctions()
    {
        var g = new Generator(4);
        var x = Tensor.Randn(g, 4, 3);
        var y = Labels(g, 3, [4]);
        var w = Tensor.Rand(g, 3) + 0.5f;
        Assert.Equal(Losses.CrossEntropy(x, y, w, labelSmoothing: 0.1f).Item(), new CrossEntropyLoss(w, labelSmoothing: 0.1f).Forward(x, y).Item());
        Assert.Equal(Losses.Nll(x, y, reduction: LossReduction.Sum).Item(), new NLLLoss(reduction: LossReduction.Sum).Forward(x, y).Item());
        var t = Tensor.Randn(g, 4, 3);
        Assert.Equal(Losses.Mse(x, t).Item(), new MSELoss().Forward(x, t).Item());
        Assert.Equal(Losses.L1(x, t).Item(), new L1Loss().Forward(x, t).Item());
        Assert.Equal(Losses.SmoothL1(x, t, beta: 0.3f).Item(), new SmoothL1Loss(beta: 0.3f).Forward(x, t).Item());
        Assert.Equal(Losses.Huber(x, t, delta: 2f).Item(), new HuberLoss(delta: 2f).Forward(x, t).Item());
        Assert.Equal(Losses.BinaryCrossEntropyWithLogits(x, t, posWeight: w).Item(), new BCEWithLogitsLoss(posWeight: w).Forward(x, t).Item());
        Assert.Equal(Losses.KLDiv(x, t, LossReduction.BatchMean, true).Item(), new KLDivLoss(LossReduction.BatchMean, true).Forward(x, t).Item());
        // Mean-reduced CE over [N,C] equals the mean of the unreduced one.
        var none = Losses.CrossEntropy(x, y, reduction: LossReduction.None).ToArray();
        Assert.Equal(none.Average(), Losses.CrossEntropy(x, y).Item(), 1e-6f);
    }

    [Fact]
    public void NonContiguousInputsGiveTheSameValuesAndGradients()
    {
        var g = new Generator(6);
        var baseT = Tensor.Randn(g, 4, 5).RequiresGrad_();   // [C, N], viewed as [N, C]
        var y = Labels(g, 4, [5]);
        var l1 = Losses.CrossEntropy(baseT.T, y, labelSmoothing: 0.1f);
        l1.Backward();
        var viaView = baseT.Grad!.T.Contiguous();
        var dense = baseT.Detach().T.Contiguous().RequiresGrad_();
        var l2 = Losses.CrossEntropy(dense, y, labelSmoothing: 0.1f);
        l2.Backward();
        Assert.Equal(l2.Item(), l1.Item());
        TensorAssert.Close(dense.Grad!, viaView);
        var t = Tensor.Randn(g, 5, 4);
        TensorAssert.Close(Losses.Huber(dense, t, LossReduction.None), Losses.Huber(baseT.T, t, LossReduction.None));
    }

    [Fact]
    public void ErrorsNameTheLossTheValueAndTheShapes()
    {
        var x = Tensor.Randn(new Generator(5), 2, 3);
        var e = Assert.Throws<ArgumentException>(() => Losses.CrossEntropy(x, Tensor.FromArray([0f, 3f])));
        Assert.Contains("CrossEntropyLoss", e.Message);
        Assert.Contains("target 3", e.Message);
        Assert.Contains("3 classes", e.Message);
        e = Assert.Throws<ArgumentException>(() => Losses.Nll(x, Tensor.FromArray([-1f, 0f])));
        Assert.Contains("NLLLoss", e.Message);
        Assert.Contains("-1", e.Message);
        var s = Assert.Throws<ShapeMismatchException>(() => Losses.CrossEntropy(x, Tensor.Zeros(3)));
        Assert.Contains("[3]", s.Message);
        Assert.Contains("[2,3]", s.Message);
        s = Assert.Throws<ShapeMismatchException>(() => Losses.Mse(x, Tensor.Zeros(3, 2)));
        Assert.Contains("MSELoss", s.Message);
        Assert.Contains("[3,2]", s.Message);
        Assert.Contains("[2,3]", s.Message);
        Assert.Throws<ShapeMismatchException>(() => Losses.CrossEntropy(x, Tensor.FromArray([0f, 1f]), weight: Tensor.Ones(4)));
        e = Assert.Throws<ArgumentException>(() => Losses.BinaryCrossEntropy(Tensor.FromArray([0.5f, 1.5f]), Tensor.FromArray([0f, 1f])));
        Assert.Contains("1.5", e.Message);
        Assert.Throws<ArgumentException>(() => Losses.Mse(x, x, LossReduction.BatchMean));
        Assert.Throws<ArgumentException>(() => new CrossEntropyLoss(labelSmoothing: 1.5f));
    }
}
