using Fovea.Optim;
using Fovea.Tests.Reference;

namespace Fovea.Tests.Optim;

public class OptimizerTests
{
    static Optimizer Make(string config, Tensor[] ps) => config switch
    {
        "sgd" => new SGD(ps, lr: 0.1f),
        "sgd_momentum" => new SGD(ps, lr: 0.05f, momentum: 0.9f),
        "sgd_nesterov" => new SGD(ps, lr: 0.05f, momentum: 0.8f, nesterov: true),
        "sgd_weight_decay" => new SGD(ps, lr: 0.1f, weightDecay: 0.05f),
        "sgd_dampening" => new SGD(ps, lr: 0.05f, momentum: 0.9f, dampening: 0.3f, weightDecay: 0.01f),
        "sgd_groups" => SgdGroups(ps),
        "adam" => new Adam(ps, lr: 0.01f),
        "adam_amsgrad" => new Adam(ps, lr: 0.01f, betas: (0.8f, 0.99f), amsgrad: true),
        "adam_weight_decay" => new Adam(ps, lr: 0.01f, weightDecay: 0.1f, eps: 1e-6f),
        "adamw" => new AdamW(ps, lr: 0.01f),
        "adamw_amsgrad" => new AdamW(ps, lr: 0.02f, weightDecay: 0.2f, amsgrad: true),
        "rmsprop" => new RMSprop(ps, lr: 0.01f),
        "rmsprop_centered" => new RMSprop(ps, lr: 0.01f, centered: true),
        "rmsprop_momentum" => new RMSprop(ps, lr: 0.01f, momentum: 0.9f),
        "rmsprop_all" => new RMSprop(ps, lr: 0.005f, alpha: 0.9f, eps: 1e-6f, weightDecay: 0.05f, momentum: 0.5f, centered: true),
        _ => throw new ArgumentException(config),
    };

    static SGD SgdGroups(Tensor[] ps)
    {
        var g0 = new ParamGroup([ps[0]], options: new Dictionary<string, float> { ["momentum"] = 0.9f });   // a per-group option other than lr / weight decay
        return new SGD([g0, new ParamGroup([ps[1]], lr: 0.01f, weightDecay: 0.1f)], lr: 0.1f);
    }

    public static TheoryData<string> Configs() => [.. OptimGolden.Children("opt/")];

    [Fact]
    public void EveryConfigHasAReference() => Assert.Equal(15, OptimGolden.Children("opt/").Count());

    // Five steps with PyTorch's gradients must land on PyTorch's parameters after every step.
    [Theory]
    [MemberData(nameof(Configs))]
    public void TrajectoryMatchesPyTorch(string config)
    {
        var ps = new[] { OptimGolden.Get($"opt/{config}/start/0").Clone(), OptimGolden.Get($"opt/{config}/start/1").Clone() };
        foreach (var p in ps) p.RequiresGrad = true;
        var opt = Make(config, ps);
        for (int s = 0; s < 5; s++)
        {
            for (int k = 0; k < 2; k++) ps[k].Grad = OptimGolden.Get($"opt/{config}/grad/{s}/{k}").Clone();
            opt.Step();
            for (int k = 0; k < 2; k++) TensorAssert.Close(OptimGolden.Get($"opt/{config}/param/{s}/{k}"), ps[k], atol: 1e-5f, rtol: 1e-4f);
        }
    }

    static Tensor[] Params(int seed)
    {
        var g = new Generator(seed);
        return [Tensor.Randn(g, 7, 3).RequiresGrad_(), Tensor.Randn(g, 5).RequiresGrad_(), Tensor.Randn(g, 33).RequiresGrad_()];
    }

    static void SetGrads(Tensor[] ps, int step)
    {
        var g = new Generator(100 + step);
        foreach (var p in ps) p.Grad = Tensor.Randn(g, p.Shape.ToArray());
    }

    // Train 3 steps, save; continue 2 steps, versus restoring into a fresh optimizer over copies of the saved
    // parameters and doing the same 2 steps: bitwise equal.
    [Theory]
    [MemberData(nameof(Configs))]
    public void StateDictRoundTripIsBitwiseExact(string config)
    {
        var ps = Params(7);
        var opt = Make(config, ps);
        for (int s = 0; s < 3; s++) { SetGrads(ps, s); opt.Step(); }
        var saved = opt.StateDict();
        var copies = ps.Select(p => p.Clone().RequiresGrad_()).ToArray();
        for (int s = 3; s < 5; s++) { SetGrads(ps, s); opt.Step(); }

        var fresh = Make(config, copies);
        fresh.LoadStateDict(saved);
        for (int s = 3; s < 5; s++) { SetGrads(copies, s); fresh.Step(); }
        for (int k = 0; k < ps.Length; k++) Assert.Equal(ps[k].ToArray(), copies[k].ToArray());
        Assert.Equal(opt.StateDict().Keys, fresh.StateDict().Keys);
    }

    [Fact]
    public void StateDictIsFlatAndOrdered()
    {
        var ps = Params(1);
        var opt = new Adam(ps, lr: 0.01f, amsgrad: true);
        SetGrads(ps, 0);
        ps[1].Grad = null;   // skipped: no state for parameter 1
        opt.Step();
        var d = opt.StateDict();
        Assert.Equal(["group.0.params", "group.0.lr", "group.0.weight_decay", "group.0.beta1", "group.0.beta2", "group.0.eps", "group.0.amsgrad",
            "state.0.step", "state.0.exp_avg", "state.0.exp_avg_sq", "state.0.max_exp_avg_sq",
            "state.2.step", "state.2.exp_avg", "state.2.exp_avg_sq", "state.2.max_exp_avg_sq"], d.Keys);
        Assert.Equal(0, d["state.0.step"].Rank);
        Assert.Equal(1f, d["state.0.step"].Item());
        Assert.Equal(0.01f, d["group.0.lr"].Item());
        Assert.Equal(ps[0].Shape, d["state.0.exp_avg"].Shape);
    }

    [Fact]
    public void LoadStateDictValidates()
    {
        var ps = Params(2);
        var opt = new SGD(ps, lr: 0.1f, momentum: 0.9f);
        SetGrads(ps, 0);
        opt.Step();
        var d = opt.StateDict();
        var other = new SGD(ps.Take(2), lr: 0.1f, momentum: 0.9f);
        Assert.Contains("parameter", Assert.Throws<ArgumentException>(() => other.LoadStateDict(d)).Message);
        var bad = new Dictionary<string, Tensor>(d) { ["state.0.momentum_buffer"] = Tensor.Zeros(3, 7) };
        var e = Assert.Throws<ShapeMismatchException>(() => new SGD(Params(2), lr: 0.1f, momentum: 0.9f).LoadStateDict(bad));
        Assert.Contains("[3,7]", e.Message);
        Assert.Contains("[7,3]", e.Message);
        bad = new Dictionary<string, Tensor>(d) { ["state.0.exp_avg"] = Tensor.Zeros(7, 3) };
        Assert.Contains("exp_avg", Assert.Throws<ArgumentException>(() => new SGD(Params(2), lr: 0.1f, momentum: 0.9f).LoadStateDict(bad)).Message);
        bad = new Dictionary<string, Tensor>(d);
        bad.Remove("group.0.momentum");
        Assert.Contains("group.0.momentum", Assert.Throws<ArgumentException>(() => new SGD(Params(2), lr: 0.1f).LoadStateDict(bad)).Message);
        // A failed load changes nothing.
        var target = new SGD(Params(2), lr: 0.5f, momentum: 0.9f);
        Assert.ThrowsAny<Exception>(() => target.LoadStateDict(bad));
        Assert.Equal(0.5f, target.LearningRate);
    }

    [Fact]
    public void ZeroGradStepSkipsNullGradsAndLearningRatePerGroup()
    {
        var ps = Params(3);
        var before = ps[1].ToArray();
        var opt = new SGD([new ParamGroup([ps[0], ps[1]]), new ParamGroup([ps[2]], lr: 0.5f)], lr: 0.1f);
        Assert.Equal(0.1f, opt.ParamGroups[0].LearningRate);
        Assert.Equal(0.5f, opt.ParamGroups[1].LearningRate);
        SetGrads(ps, 0);
        ps[1].Grad = null;
        opt.Step();
        Assert.Equal(before, ps[1].ToArray());
        opt.ZeroGrad();
        Assert.All(ps, p => Assert.Null(p.Grad));
        opt.LearningRate = 0.2f;
        Assert.All(opt.ParamGroups, g => Assert.Equal(0.2f, g.LearningRate));
    }

    [Fact]
    public void StepDoesNotRecordAndUpdatesInPlace()
    {
        var p = Tensor.Randn(new Generator(4), 40).RequiresGrad_();
        var storage = p.ToArray();
        var opt = new Adam([p], lr: 0.1f);
        (p * p).Sum().Backward();
        opt.Step();
        Assert.True(p.IsLeaf);
        Assert.NotEqual(storage, p.ToArray());
        // Steady state allocates no per-element memory.
        opt.Step();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++) opt.Step();
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 10 * 40 * sizeof(float), "Adam.Step allocates per element");
    }

    [Fact]
    public void AddParamGroupTakesDefaultsAndValidates()
    {
        var ps = Params(6);
        var opt = new SGD([ps[0]], lr: 0.1f, momentum: 0.9f);
        opt.AddParamGroup(new ParamGroup([ps[1]], lr: 0.01f));
        Assert.Equal(2, opt.ParamGroups.Count);
        Assert.Equal(0.9f, opt.ParamGroups[1]["momentum"]);
        Assert.Equal(0.01f, opt.ParamGroups[1].LearningRate);
        Assert.Contains("more than once", Assert.Throws<ArgumentException>(() => opt.AddParamGroup(new ParamGroup([ps[0]]))).Message);
        Assert.Contains("Nesterov", Assert.Throws<ArgumentException>(() =>
            opt.AddParamGroup(new ParamGroup([ps[2]], options: new Dictionary<string, float> { ["nesterov"] = 1, ["momentum"] = 0 }))).Message);
        Assert.Equal(2, opt.ParamGroups.Count);
        SetGrads(ps, 0);
        opt.Step();
        Assert.Equal(["group.0.params", "group.0.lr", "group.0.weight_decay", "group.0.momentum", "group.0.dampening", "group.0.nesterov",
            "group.1.params", "group.1.lr", "group.1.weight_decay", "group.1.momentum", "group.1.dampening", "group.1.nesterov",
            "state.0.momentum_buffer", "state.1.momentum_buffer"], opt.StateDict().Keys);
    }

    [Fact]
    public void ConstructorValidates()
    {
        Assert.Contains("empty", Assert.Throws<ArgumentException>(() => new SGD(Array.Empty<Tensor>(), lr: 0.1f)).Message);
        var p = Tensor.Randn(new Generator(5), 3, 4).RequiresGrad_();
        Assert.Contains("more than once", Assert.Throws<ArgumentException>(() => new SGD([p, p], lr: 0.1f)).Message);
        Assert.Contains("contiguous", Assert.Throws<ArgumentException>(() => new SGD([p.Detach().T.Detach()], lr: 0.1f)).Message);
        Assert.Contains("leaf", Assert.Throws<ArgumentException>(() => new SGD([p * 2f], lr: 0.1f)).Message);
        Assert.Contains("Nesterov", Assert.Throws<ArgumentException>(() => new SGD([p], lr: 0.1f, nesterov: true)).Message);
        Assert.Contains("beta2", Assert.Throws<ArgumentException>(() => new Adam([p], betas: (0.9f, 1f))).Message);
        Assert.Contains("learning rate", Assert.Throws<ArgumentException>(() => new RMSprop([p], lr: -1f)).Message);
        var q = Tensor.Zeros(2).RequiresGrad_();
        Assert.Contains("'betas'", Assert.Throws<ArgumentException>(() => new Adam([new ParamGroup([q], options: new Dictionary<string, float> { ["betas"] = 0.9f })])).Message);
    }
}
