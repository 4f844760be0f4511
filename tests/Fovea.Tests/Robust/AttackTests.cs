using Fovea.Data;
using Fovea.Explain;
using Fovea.NN;
using Fovea.Optim;
using Fovea.Robust;
using Fovea.Tests.Reference;
using Fovea.Training;

namespace Fovea.Tests.RobustTests;

public class AttackTests
{
    [Fact]
    public void FgsmIsOneSignGradientStepClippedToPixels()
    {
        // An untrained model: a trained one is so confident that its loss gradients are at the rounding level.
        var model = TinyModels.Cnn(21);
        model.Eval();
        var (xb, yb) = TinyModels.Blobs(5, 22);
        var leaf = xb.Clone().RequiresGrad_();
        new CrossEntropyLoss(reduction: LossReduction.Sum).Forward(model.Call(leaf), yb).Backward();
        var g = leaf.Grad!.ToArray();
        var xs = xb.ToArray();
        model.ZeroGrad();
        var adv = Attacks.Fgsm(model, xb, yb, 0.1f).ToArray();
        float gmax = g.Max(Math.Abs);
        int compared = 0;
        for (int i = 0; i < xs.Length; i++)
        {
            if (Math.Abs(g[i]) < 1e-3f * gmax) continue;        // the sign of a rounding-level gradient is arbitrary
            Assert.Equal(Math.Clamp(xs[i] + 0.1f * MathF.Sign(g[i]), 0f, 1f), adv[i]);
            compared++;
        }
        Assert.True(compared > xs.Length / 2, $"only {compared} of {xs.Length} gradients were clearly non-zero");
        Assert.All(adv, v => Assert.InRange(v, 0f, 1f));
        Assert.All(model.Parameters(), p => Assert.True(p.Grad is null || p.Grad.ToArray().All(v => v == 0)));
    }

    [Fact]
    public void PgdStaysInTheEpsBallAndThePixelRange()
    {
        var (model, x, y) = TinyModels.TrainedCnn();
        var xb = x.Narrow(0, 0, 16).Contiguous();
        var yb = y.Narrow(0, 0, 16).Contiguous();
        var xs = xb.ToArray();
        var inf = Attacks.Pgd(model, xb, yb, 0.1f, 0.03f, 10, restarts: 2, generator: new Generator(1)).ToArray();
        for (int i = 0; i < xs.Length; i++)
        {
            Assert.InRange(inf[i], 0f, 1f);
            Assert.True(Math.Abs(inf[i] - xs[i]) <= 0.1f + 1e-6f, $"element {i} moved {inf[i] - xs[i]}");
        }
        var l2 = Attacks.Pgd(model, xb, yb, 0.8f, 0.2f, 10, AttackNorm.L2, generator: new Generator(2)).ToArray();
        for (int s = 0; s < 16; s++)
        {
            double d = 0;
            for (int j = 0; j < 64; j++) { Assert.InRange(l2[s * 64 + j], 0f, 1f); d += Math.Pow(l2[s * 64 + j] - xs[s * 64 + j], 2); }
            Assert.True(Math.Sqrt(d) <= 0.8 + 1e-4, $"sample {s}: L2 {Math.Sqrt(d)}");
        }
    }

    [Fact]
    public void AttacksLowerTheAccuracyOfATrainedModel()
    {
        var (model, x, y) = TinyModels.TrainedCnn();
        double clean = TinyModels.Accuracy(model, x, y);
        Assert.True(clean > 0.9, $"clean accuracy {clean}");
        var fgsm = TinyModels.Accuracy(model, Attacks.Fgsm(model, x, y, 0.3f), y);
        var pgd = TinyModels.Accuracy(model, Attacks.Pgd(model, x, y, 0.3f, 0.05f, 10), y);
        var mi = TinyModels.Accuracy(model, Attacks.MiFgsm(model, x, y, 0.3f, steps: 10), y);
        Assert.True(fgsm < clean - 0.3, $"FGSM: {clean} → {fgsm}");
        Assert.True(pgd < 0.2, $"PGD: {clean} → {pgd}");
        Assert.True(mi < 0.3, $"MI-FGSM: {clean} → {mi}");
        Assert.True(pgd <= fgsm, $"PGD ({pgd}) should be at least as strong as FGSM ({fgsm})");
        // a targeted attack moves the prediction to the target
        var targets = Tensor.FromArray([.. Enumerable.Range(0, 256).Select(i => (float)(((int)y[i] + 1) % 4))], 256);
        var hit = TinyModels.Accuracy(model, Attacks.Pgd(model, x, targets, 0.3f, 0.05f, 20, targeted: true), targets);
        Assert.True(hit > 0.8, $"targeted PGD reached its target for {hit:P0}");
    }

    [Fact]
    public void MinimalAttacksFindSmallerPerturbationsThanPgdL2OnALinearModel()
    {
        // Two classes, logits ±v·(x − ½) with Σv = 0: the distance to the boundary is |v·(x − ½)| / ‖v‖.
        var g = new Generator(4);
        var v = new float[16];
        for (int i = 0; i < 16; i++) v[i] = g.NextNormal();
        float mean = v.Average();
        for (int i = 0; i < 16; i++) v[i] -= mean;
        var lin = new Linear(16, 2);
        for (int i = 0; i < 16; i++) { lin.Weight.Detach().Span[i] = v[i]; lin.Weight.Detach().Span[16 + i] = -v[i]; }
        lin.Bias!.Detach().Span.Clear();
        var model = new Sequential(new Flatten(), lin);
        model.Eval();
        int n = 12;
        var xs = new float[n * 16];
        for (int i = 0; i < xs.Length; i++) xs[i] = 0.5f + 0.2f * (g.NextFloat() - 0.5f);
        var x = Tensor.FromArray(xs, n, 1, 4, 4);
        var y = Tensor.FromArray([.. RobustnessEvaluator.Predict(model, x).Select(p => (float)p)], n);
        double vn = Math.Sqrt(v.Sum(a => (double)a * a)), maxDist = 0;
        for (int s = 0; s < n; s++)
        {
            double dot = 0;
            for (int j = 0; j < 16; j++) dot += v[j] * (xs[s * 16 + j] - 0.5);
            maxDist = Math.Max(maxDist, Math.Abs(dot) / vn);
        }
        float eps = (float)(1.3 * maxDist);
        var pgd = Attacks.Pgd(model, x, y, eps, eps / 4, 20, AttackNorm.L2, randomStart: false);
        var df = Attacks.DeepFool(model, x);
        var cw = Attacks.CarliniWagnerL2(model, x, y, binarySteps: 6, steps: 100, learningRate: 0.01f);
        var attacks = new[] { ("pgd", pgd), ("deepfool", df), ("cw", cw) };
        var l2 = new Dictionary<string, double>();
        foreach (var (name, adv) in attacks)
        {
            Assert.Equal(0.0, TinyModels.Accuracy(model, adv, y));       // equal success: every sample flipped
            var a = adv.ToArray();
            double sum = 0;
            for (int s = 0; s < n; s++) sum += Math.Sqrt(Enumerable.Range(0, 16).Sum(j => Math.Pow(a[s * 16 + j] - xs[s * 16 + j], 2)));
            l2[name] = sum / n;
        }
        Assert.True(l2["deepfool"] < l2["pgd"], $"DeepFool L2 {l2["deepfool"]} vs PGD-L2 {l2["pgd"]}");
        Assert.True(l2["cw"] < l2["pgd"], $"CW L2 {l2["cw"]} vs PGD-L2 {l2["pgd"]}");
    }

    [Fact]
    public void MoreStepsAndRestartsDoNotRaiseRobustAccuracy()
    {
        // A gradient-masking check: a stronger PGD must not do worse than a weaker one.
        var (model, x, y) = TinyModels.TrainedCnn();
        float eps = 0.12f;
        var report = RobustnessEvaluator.Evaluate(model, [(x, y)],
        [
            new AttackSpec("pgd-3", eps, (m, xi, yi) => Attacks.Pgd(m, xi, yi, eps, eps / 2, 3, generator: new Generator(1))),
            new AttackSpec("pgd-20x3", eps, (m, xi, yi) => Attacks.Pgd(m, xi, yi, eps, eps / 8, 20, restarts: 3, generator: new Generator(1))),
        ]);
        Assert.Equal(256, report.Count);
        Assert.True(report.CleanAccuracy > 0.9);
        var weak = report.Attacks[0];
        var strong = report.Attacks[1];
        Assert.True(strong.RobustAccuracy <= weak.RobustAccuracy + 0.01, $"PGD-3 {weak.RobustAccuracy}, PGD-20×3 {strong.RobustAccuracy}");
        Assert.True(weak.SuccessRate > 0);
        Assert.True(strong.MeanLinf <= eps + 1e-6 && strong.MeanL2 > 0);
    }

    [Fact]
    public void AdversarialTrainingHooksIntoTheTrainer()
    {
        var (x, y) = TinyModels.Blobs(128, 12);
        var labels = y.ToArray().Select(v => (int)v).ToArray();
        var data = new TensorDataset(x.ToArray(), [1, 8, 8], labels, ["a", "b", "c", "d"]);
        var model = TinyModels.Cnn(13);
        int calls = 0;
        var pgd = AdversarialTraining.Pgd([0.5f], [0.5f], 0.1f, 0.05f, 2, new Generator(1));
        var trainer = new Trainer(model, new CrossEntropyLoss(), new Adam(model.Parameters(), 0.01f), new DataLoader(data, 32, shuffle: true, generator: new Generator(2)),
            options: new TrainerOptions
            {
                Epochs = 2,
                InputTransform = (m, b) =>
                {
                    calls++;
                    Assert.Same(model, m);
                    var adv = pgd(m, b);
                    var diff = (adv - b.Input).Abs().Max().Item();
                    Assert.InRange(diff, 0f, 0.1f / 0.5f + 1e-4f);       // ε in pixels is ε/std in normalised units
                    return adv;
                },
            });
        var result = trainer.Fit();
        Assert.Equal(StopReason.Completed, result.Reason);
        Assert.Equal(8, calls);
        var fast = AdversarialTraining.FastFgsm([0.5f], [0.5f], 0.1f);
        Assert.Equal(new Shape([32, 1, 8, 8]), fast(model, new DataLoader(data, 32).First()).Shape);
    }
}
