using Fovea.NN;
using Fovea.Tests.Reference;

namespace Fovea.Tests.NN;

public class ModuleTests
{
    sealed class Net : Module
    {
        public readonly Sequential Features;
        public readonly Linear Head;
        public Net(Generator g)
        {
            Features = RegisterModule("features", new Sequential(new Linear(4, 8, generator: g), new ReLU(), new Linear(8, 6, generator: g)));
            Head = RegisterModule("head", new Linear(6, 3, bias: false, generator: g));
        }
        public override Tensor Forward(Tensor x) => Head.Call(Features.Call(x));
    }

    sealed class WithBuffer : Module
    {
        public readonly Tensor Scale, Count;
        public WithBuffer()
        {
            Scale = RegisterParameter("scale", Tensor.Ones(2));
            Count = RegisterBuffer("count", Tensor.Zeros(1));
        }
        public override Tensor Forward(Tensor x) => x * Scale;
    }

    [Fact]
    public void NamesFollowPyTorch()
    {
        var net = new Net(new Generator(1));
        Assert.Equal(["features.0.weight", "features.0.bias", "features.2.weight", "features.2.bias", "head.weight"],
            net.NamedParameters().Select(p => p.Name));
        Assert.Equal(["", "features", "features.0", "features.1", "features.2", "head"], net.NamedModules().Select(m => m.Name));
        Assert.Equal(2, net.Children().Count());
        Assert.Equal(4 * 8 + 8 + 8 * 6 + 6 + 6 * 3, net.Parameters().Sum(p => p.Numel));
        Assert.All(net.Parameters(), p => Assert.True(p.RequiresGrad));
    }

    [Fact]
    public void BuffersAreInStateDictButNotParameters()
    {
        var m = new WithBuffer();
        Assert.Equal(["scale"], m.NamedParameters().Select(p => p.Name));
        Assert.Equal(["count"], m.NamedBuffers().Select(p => p.Name));
        Assert.Equal(["scale", "count"], m.StateDict().Keys);
        Assert.False(m.Count.RequiresGrad);
    }

    [Fact]
    public void StateDictRoundTripCopiesInPlace()
    {
        var a = new Net(new Generator(1));
        var b = new Net(new Generator(2));
        var w = b.Head.Weight;
        var snapshot = a.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.Clone());
        b.LoadStateDict(snapshot);
        Assert.Same(w, b.Head.Weight);
        foreach (var (k, v) in a.StateDict()) TensorAssert.Close(v, b.StateDict()[k], 0, 0);
        var x = Tensor.Randn(new Generator(3), 5, 4);
        TensorAssert.Close(a.Call(x), b.Call(x), 0, 0);
    }

    [Fact]
    public void StrictLoadNamesEveryBadKey()
    {
        var net = new Net(new Generator(1));
        var sd = net.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.Clone());
        sd.Remove("features.2.bias");
        sd["head.extra"] = Tensor.Zeros(1);
        sd["features.0.weight"] = Tensor.Zeros(8, 5);
        var e = Assert.Throws<StateDictException>(() => net.LoadStateDict(sd));
        Assert.Contains("features.2.bias", e.Message);
        Assert.Contains("head.extra", e.Message);
        Assert.Contains("features.0.weight: model has [8,4], checkpoint has [8,5]", e.Message);
        Assert.Equal(["features.2.bias"], e.MissingKeys);

        // Non-strict: missing/unexpected are returned, but a wrong shape is still an error.
        Assert.Throws<StateDictException>(() => net.LoadStateDict(sd, strict: false));
        sd["features.0.weight"] = Tensor.Ones(8, 4);
        var (missing, unexpected) = net.LoadStateDict(sd, strict: false);
        Assert.Equal(["features.2.bias"], missing);
        Assert.Equal(["head.extra"], unexpected);
        Assert.Equal(1f, net.Features[0].StateDict()["weight"][3, 2]);
    }

    [Fact]
    public void FreezeByGlobPattern()
    {
        var net = new Net(new Generator(1));
        Assert.Equal(2, net.Freeze("*.bias"));
        Assert.Equal(["features.0.weight", "features.2.weight", "head.weight"],
            net.NamedParameters().Where(p => p.Parameter.RequiresGrad).Select(p => p.Name));
        net.Unfreeze();
        Assert.Equal(4, net.Freeze("features"));
        Assert.True(net.Head.Weight.RequiresGrad);
        net.Unfreeze("features.?.bias");
        Assert.Equal(["features.0.bias", "features.2.bias", "head.weight"],
            net.NamedParameters().Where(p => p.Parameter.RequiresGrad).Select(p => p.Name));
        var e = Assert.Throws<ArgumentException>(() => net.Freeze("classifier.*"));
        Assert.Contains("classifier.*", e.Message);

        // A frozen parameter gets no gradient.
        net.Unfreeze(); net.Freeze("features.*");
        net.Call(Tensor.Randn(new Generator(2), 3, 4)).Sum().Backward();
        Assert.Null(((Linear)net.Features[0]).Weight.Grad);
        Assert.NotNull(net.Head.Weight.Grad);
        net.RequiresGrad_(false);
        Assert.All(net.Parameters(), p => Assert.False(p.RequiresGrad));
    }

    [Fact]
    public void ZeroGradClearsGradients()
    {
        var net = new Net(new Generator(1));
        net.Call(Tensor.Randn(new Generator(2), 3, 4)).Sum().Backward();
        Assert.All(net.Parameters(), p => Assert.NotNull(p.Grad));
        net.ZeroGrad();
        Assert.All(net.Parameters(), p => Assert.Null(p.Grad));
    }

    [Fact]
    public void ForwardHookCapturesActivationAndItsGradient()
    {
        var net = new Net(new Generator(1));
        Tensor? act = null, actGrad = null;
        using var h = net.Features[1].RegisterForwardHook((m, input, output) =>
        {
            act = output;
            output.RegisterHook(g => { actGrad = g; });
        });
        var x = Tensor.Randn(new Generator(2), 3, 4);
        var y = net.Call(x);
        Assert.NotNull(act);
        Assert.Equal(new Shape(3, 8), act!.Shape);
        y.Sum().Backward();
        Assert.NotNull(actGrad);
        // d(sum y)/d(act) = sum over outputs of (W_head · W_2) rows: the same for every sample.
        var w = net.Head.Weight.MatMul(((Linear)net.Features[2]).Weight).Sum(0);
        for (int n = 0; n < 3; n++)
            for (int j = 0; j < 8; j++) Assert.Equal(w[j], actGrad![n, j], 4);

        h.Dispose();
        act = null;
        net.Call(x);
        Assert.Null(act);
    }

    [Fact]
    public void TrainEvalPropagates()
    {
        var net = new Net(new Generator(1));
        Assert.True(net.Features[1].IsTraining);
        net.Eval();
        Assert.All(net.Modules(), m => Assert.False(m.IsTraining));
        net.Train();
        Assert.All(net.Modules(), m => Assert.True(m.IsTraining));
    }

    [Fact]
    public void ToStringPrintsTheTreeLikePyTorch()
    {
        var net = new Sequential(new Linear(4, 8), new ReLU(), new Sequential(new Flatten(), new Identity()));
        Assert.Equal(
            "Sequential(\n  (0): Linear(in_features=4, out_features=8, bias=True)\n  (1): ReLU()\n" +
            "  (2): Sequential(\n    (0): Flatten(start_dim=1, end_dim=-1)\n    (1): Identity()\n  )\n)", net.ToString());
    }

    [Fact]
    public void SequentialIndexerAddAndCount()
    {
        var s = new Sequential(new Linear(2, 3)).Add(new ReLU()).Add("out", new Linear(3, 1));
        Assert.Equal(3, s.Count);
        Assert.IsType<ReLU>(s[1]);
        Assert.IsType<Linear>(s[-1]);
        Assert.Equal(["0.weight", "0.bias", "out.weight", "out.bias"], s.StateDict().Keys);
        Assert.Throws<ArgumentOutOfRangeException>(() => s[3]);
        var list = new ModuleList(new Linear(2, 2), new Linear(2, 2));
        Assert.Equal(["0.weight", "0.bias", "1.weight", "1.bias"], list.StateDict().Keys);
        var dict = new ModuleDict().Add("a", new Linear(2, 2));
        Assert.Equal(["a.weight", "a.bias"], dict.StateDict().Keys);
    }

    [Fact]
    public void SummaryCountsParamsAndMultiplyAdds()
    {
        var net = new Net(new Generator(1));
        net.Freeze("head.*");
        var s = net.Summary(2, 4);
        Assert.Contains("features.0", s);
        Assert.Contains("[2,8]", s);
        Assert.Contains("Total params: 112", s);      // 40 + 54 + 18
        Assert.Contains("Trainable params: 94", s);
        Assert.Contains("Frozen params: 18", s);
        Assert.Contains("Total mult-adds: 196", s);   // 2·(4·8 + 8·6 + 6·3)
        Assert.True(net.IsTraining);
    }

    [Fact]
    public void GetSubmoduleByDottedPath()
    {
        var net = new Net(new Generator(1));
        Assert.Same(net.Features[2], net.GetSubmodule("features.2"));
        Assert.Same(net, net.GetSubmodule(""));
        var e = Assert.Throws<ArgumentException>(() => net.GetSubmodule("features.7"));
        Assert.Contains("no child \"7\"; its children are 0, 1, 2", e.Message);
    }

    [Fact]
    public void LoadStateDictAcceptsAnotherModelsStateDictDirectly()
    {
        var a = new Net(new Generator(1));
        var b = new Net(new Generator(2));
        b.LoadStateDict(a.StateDict());
        var x = Tensor.Randn(new Generator(3), 2, 4);
        TensorAssert.Close(a.Call(x), b.Call(x), 0, 0);
        Assert.NotSame(a.Head.Weight, b.Head.Weight);
    }
}
