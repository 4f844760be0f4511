using Fovea.Optim;
using Fovea.Tests.Reference;

namespace Fovea.Tests.Optim;

public class LRSchedulerTests
{
    static SGD Optimizer() => new([new ParamGroup([Tensor.Zeros(1).RequiresGrad_()], lr: 0.1f), new ParamGroup([Tensor.Zeros(1).RequiresGrad_()], lr: 0.02f)],
        lr: 0.1f, momentum: 0.9f);

    static LRScheduler Make(string config, Optimizer o) => config switch
    {
        "steplr" => new StepLR(o, stepSize: 7, gamma: 0.5f),
        "multisteplr" => new MultiStepLR(o, [5, 12, 12, 20], gamma: 0.3f),
        "cosine" => new CosineAnnealingLR(o, tMax: 10, etaMin: 0.001f),
        "linear" => new LinearLR(o, startFactor: 0.25f, endFactor: 1f, totalIters: 8),
        "onecycle_cos" => new OneCycleLR(o, maxLr: 0.5f, totalSteps: 30, cycleMomentum: false),
        "onecycle_linear" => new OneCycleLR(o, maxLr: 0.5f, totalSteps: 30, pctStart: 0.25f, annealStrategy: AnnealStrategy.Linear,
            divFactor: 10, finalDivFactor: 100, cycleMomentum: false),
        "onecycle_three_phase" => new OneCycleLR(o, maxLr: 0.4f, totalSteps: 30, threePhase: true, cycleMomentum: false),
        "sequential" => new SequentialLR(o, [new LinearLR(o, startFactor: 0.1f, totalIters: 5), new CosineAnnealingLR(o, tMax: 25, etaMin: 1e-4f)], [5]),
        _ => throw new ArgumentException(config),
    };

    public static TheoryData<string> Configs() => [.. OptimGolden.Children("sched/")];

    [Fact]
    public void EveryConfigHasAReference() => Assert.Equal(8, OptimGolden.Children("sched/").Count());

    // The learning rate of both groups after construction and after each of 30 steps, against PyTorch.
    [Theory]
    [MemberData(nameof(Configs))]
    public void LearningRatesMatchPyTorch(string config)
    {
        var expected = OptimGolden.Get($"sched/{config}");
        var o = Optimizer();
        var s = Make(config, o);
        var actual = new float[expected.Numel];
        for (int e = 0; e <= 30; e++)
        {
            if (e > 0) { o.Step(); s.Step(); }
            for (int g = 0; g < 2; g++)
            {
                actual[e * 2 + g] = o.ParamGroups[g].LearningRate;
                Assert.Equal(s.LastLr[g], o.ParamGroups[g].LearningRate);
            }
        }
        TensorAssert.Close(expected.ToArray(), actual, atol: 0, rtol: 1e-5f, expected.Shape.ToString());
    }

    // OneCycleLR's default momentum cycling: SGD's momentum (two phases, cos) and Adam's beta1 (three phases, linear).
    [Theory]
    [InlineData("sgd")]
    [InlineData("adam")]
    public void OneCycleCyclesMomentumLikePyTorch(string config)
    {
        Optimizer o = config == "sgd" ? Optimizer() : new Adam([Tensor.Zeros(1).RequiresGrad_()], lr: 0.01f);
        LRScheduler s = config == "sgd"
            ? new OneCycleLR(o, maxLr: 0.5f, totalSteps: 30)
            : new OneCycleLR(o, maxLr: 0.05f, totalSteps: 30, threePhase: true, annealStrategy: AnnealStrategy.Linear, baseMomentum: 0.8f, maxMomentum: 0.9f);
        string key = config == "sgd" ? "momentum" : "beta1";
        var lrs = new List<float>();
        var moms = new List<float>();
        for (int e = 0; e <= 30; e++)
        {
            if (e > 0) { o.Step(); s.Step(); }
            foreach (var g in o.ParamGroups) { lrs.Add(g.LearningRate); moms.Add(g[key]); }
        }
        TensorAssert.Close(OptimGolden.Get($"cycle/{config}/lr").ToArray(), [.. lrs], 0, 1e-5f);
        TensorAssert.Close(OptimGolden.Get($"cycle/{config}/momentum").ToArray(), [.. moms], 0, 1e-5f);
    }

    [Fact]
    public void SequentialForwardsMomentumCyclingOfItsSchedulers()
    {
        var o = Optimizer();
        var s = new SequentialLR(o, [new LinearLR(o, totalIters: 2), new OneCycleLR(o, maxLr: 0.5f, totalSteps: 10)], [2]);
        s.Step(); s.Step();
        Assert.Equal(0.95f, o.ParamGroups[0]["momentum"], 1e-6f);   // OneCycleLR's epoch 0: max momentum, initial lr
        Assert.Equal(0.02f, o.ParamGroups[0].LearningRate, 1e-7f);
        s.Step();
        Assert.InRange(o.ParamGroups[0]["momentum"], 0.85f, 0.949f);   // cycling down while the rate rises
    }

    [Fact]
    public void StateDictRoundTrip()
    {
        var o = Optimizer();
        var s = new CosineAnnealingLR(o, tMax: 10);
        for (int i = 0; i < 4; i++) s.Step();
        var saved = s.StateDict();
        Assert.Equal(["last_epoch", "base_lr.0", "base_lr.1"], saved.Keys);
        float lr = o.LearningRate;
        var o2 = Optimizer();
        var s2 = new CosineAnnealingLR(o2, tMax: 10);
        s2.LoadStateDict(saved);
        Assert.Equal(4, s2.LastEpoch);
        Assert.Equal(lr, o2.LearningRate);
        s.Step(); s2.Step();
        Assert.Equal(o.LearningRate, o2.LearningRate);
        Assert.Throws<ArgumentException>(() => s2.LoadStateDict(new Dictionary<string, Tensor> { ["last_epoch"] = Tensor.Scalar(1) }));
        Assert.Throws<ArgumentException>(() => s2.LoadStateDict(new Dictionary<string, Tensor>(saved) { ["gamma"] = Tensor.Scalar(1) }));
    }

    [Fact]
    public void OneCycleRefusesToStepPastTheEnd()
    {
        var o = Optimizer();
        var s = new OneCycleLR(o, maxLr: 1f, totalSteps: 3);
        for (int i = 0; i < 3; i++) s.Step();
        Assert.Contains("totalSteps", Assert.Throws<InvalidOperationException>(s.Step).Message);
    }

    [Fact]
    public void SequentialValidates()
    {
        var o = Optimizer();
        var a = new LinearLR(o);
        Assert.Throws<ArgumentException>(() => new SequentialLR(o, [a, new StepLR(o, 3)], []));
        Assert.Throws<ArgumentException>(() => new SequentialLR(o, [a, new StepLR(Optimizer(), 3)], [2]));
    }
}
