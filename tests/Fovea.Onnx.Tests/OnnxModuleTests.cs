using Fovea.NN;
using Fovea.Onnx.Proto;
using static Fovea.Onnx.Tests.ModelFactory;

namespace Fovea.Onnx.Tests;

/// <summary>An imported model is a trainable Module: named parameters, freezing, gradients, a replaceable head.</summary>
public class OnnxModuleTests
{
    [Fact]
    public void InitializersFeedingWeightsAreNamedParametersAndStatisticsAreBuffers()
    {
        var m = OnnxModel.Load(Bytes(SmallCnn()));
        var names = m.NamedParameters().Select(p => p.Name).ToArray();
        Assert.Equal(["features.0.weight", "features.0.bias", "features.1.weight", "features.1.bias", "fc.weight", "fc.bias"], names);
        var buffers = m.NamedBuffers().Select(b => b.Name).ToHashSet();
        Assert.Contains("features.1.running_mean", buffers);
        Assert.Contains("features.1.running_var", buffers);
        Assert.Equal(4 * 27 + 4 + 4 + 4 + 20 + 5, m.ParameterCount);
        Assert.Contains("features.1.running_var", m.StateDict().Keys);
    }

    [Fact]
    public void OddInitializerNamesAreSanitised()
    {
        var g = new GraphProto();
        g.Input.Add(Value("x", -1, 2));
        g.Output.Add(Value("y", -1, 3));
        g.Initializer.Add(Floats("onnx::Gemm_12", Seq(6), 3, 2));
        g.Node.Add(Node("Gemm", ["x", "onnx::Gemm_12"], ["y"], "fc", Int("transB", 1)));
        var m = OnnxModel.Load(Bytes(Model(g)));
        Assert.Equal("onnx__Gemm_12", Assert.Single(m.NamedParameters()).Name);
    }

    [Fact]
    public void GradientsFlowAndFreezeStopsThem()
    {
        var m = OnnxModel.Load(Bytes(SmallCnn()));
        Assert.Equal(4, m.Freeze("features"));
        var x = Tensor.Randn(new Generator(1), 2, 3, 6, 6);
        m.Forward(x).Sum().Backward();
        foreach (var (n, p) in m.NamedParameters())
        {
            if (n.StartsWith("features")) Assert.False(p.RequiresGrad, n);
            else Assert.True(p.Grad is not null && p.Grad.ToArray().Any(v => v != 0), n);
        }
        m.Unfreeze();
        m.ZeroGrad();
        m.Forward(x).Sum().Backward();
        Assert.NotNull(m.NamedParameters().First(p => p.Name == "features.0.weight").Parameter.Grad);
    }

    [Fact]
    public void GradientOfAnImportedConvMatchesFiniteDifferences()
    {
        var m = OnnxModel.Load(Bytes(SmallCnn()));
        var w = m.NamedParameters().First(p => p.Name == "features.0.weight").Parameter;
        var x = Tensor.Randn(new Generator(2), 1, 3, 6, 6);
        m.ZeroGrad();
        m.Forward(x).Sum().Backward();
        float analytic = w.Grad!.ToArray()[5];
        var orig = w.ToArray();
        float eps = 1e-2f;
        float f(float delta)
        {
            var v = (float[])orig.Clone();
            v[5] += delta;
            var sd = m.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.Clone());
            sd["features.0.weight"] = Tensor.FromArray(v, w.Shape.ToArray());
            m.LoadStateDict(sd);
            using (Autograd.NoGrad()) return m.Forward(x).Sum().Item();
        }
        float numeric = (f(eps) - f(-eps)) / (2 * eps);
        Assert.InRange(analytic, numeric - 1e-2f * Math.Max(1, Math.Abs(numeric)), numeric + 1e-2f * Math.Max(1, Math.Abs(numeric)));
    }

    [Fact]
    public void StateDictRoundTripsAndOptimizerStepChangesOutput()
    {
        var a = OnnxModel.Load(Bytes(SmallCnn()));
        var b = OnnxModel.Load(Bytes(SmallCnn()));
        b.LoadStateDict(b.StateDict().ToDictionary(kv => kv.Key, kv => Ops.Add(Ops.Mul(kv.Value, 0f), 0.01f)));
        Assert.NotEqual(a.Forward(Tensor.Ones(1, 3, 6, 6)).ToArray(), b.Forward(Tensor.Ones(1, 3, 6, 6)).ToArray());
        b.LoadStateDict(a.StateDict());
        var x = Tensor.Randn(new Generator(3), 2, 3, 6, 6);
        Assert.Equal(a.Forward(x).ToArray(), b.Forward(x).ToArray());
        var opt = new Fovea.Optim.SGD(b.Parameters(), lr: 0.1f);
        b.Forward(x).Sum().Backward();
        opt.Step();
        Assert.NotEqual(a.Forward(x).ToArray(), b.Forward(x).ToArray());
    }

    [Fact]
    public void DynamicBatch()
    {
        var m = OnnxModel.Load(Bytes(SmallCnn()));
        var x = Tensor.Randn(new Generator(4), 5, 3, 6, 6);
        var all = m.Forward(x).ToArray();
        var one = m.Forward(Ops.Narrow(x, 0, 2, 1).Contiguous()).ToArray();
        for (int j = 0; j < 5; j++) Assert.Equal(all[2 * 5 + j], one[j], 5);
    }

    [Fact]
    public void ReplaceHeadGivesAFreshClassifier()
    {
        var m = OnnxModel.Load(Bytes(SmallCnn()));
        m.Freeze();
        m.ReplaceHead(7, new Generator(5));
        var y = m.Forward(Tensor.Ones(2, 3, 6, 6));
        Assert.Equal(new Shape(2, 7), y.Shape);
        var fc = m.NamedParameters().Where(p => p.Parameter.RequiresGrad).Select(p => p.Name).ToArray();
        Assert.Equal(["fc.weight", "fc.bias"], fc);
        Assert.Equal(new Shape(7, 4), m.NamedParameters().First(p => p.Name == "fc.weight").Parameter.Shape);
    }

    [Fact]
    public void ReplaceHeadOnMatMulPlusAdd()
    {
        var g = new GraphProto();
        g.Input.Add(Value("x", -1, 4));
        g.Output.Add(Value("y", -1, 3));
        g.Initializer.Add(Floats("w", Seq(12), 4, 3));
        g.Initializer.Add(Floats("b", Seq(3), 3));
        g.Node.Add(Node("MatMul", ["x", "w"], ["h"], "mm"));
        g.Node.Add(Node("Add", ["h", "b"], ["y"], "bias"));
        var m = OnnxModel.Load(Bytes(Model(g)));
        Assert.Equal(2, m.NamedParameters().Count());
        m.ReplaceHead(2);
        Assert.Equal(new Shape(6, 2), m.Forward(Tensor.Ones(6, 4)).Shape);
    }

    [Fact]
    public void RunHandlesSeveralInputsAndOutputs()
    {
        var g = new GraphProto();
        g.Input.Add(Value("a", -1, 2));
        g.Input.Add(Value("b", -1, 2));
        g.Output.Add(Value("sum", -1, 2));
        g.Output.Add(Value("max", -1, 2));
        g.Node.Add(Node("Add", ["a", "b"], ["sum"]));
        g.Node.Add(Node("Max", ["a", "b"], ["max"]));
        var m = OnnxModel.Load(Bytes(Model(g)));
        var r = m.Run(new Dictionary<string, Tensor> { ["a"] = Tensor.FromArray([1f, 5f], 1, 2), ["b"] = Tensor.FromArray([3f, 2f], 1, 2) });
        Assert.Equal([4f, 7f], r["sum"].ToArray());
        Assert.Equal([3f, 5f], r["max"].ToArray());
        Assert.Throws<ArgumentException>(() => m.Forward(Tensor.Ones(1, 2)));
        Assert.Throws<ArgumentException>(() => m.Run(new Dictionary<string, Tensor> { ["a"] = Tensor.Ones(1, 2) }));
    }

    [Fact]
    public void TrainModeUsesBatchStatisticsAndUpdatesRunningStats()
    {
        var m = OnnxModel.Load(Bytes(SmallCnn()));
        var mean = m.NamedBuffers().First(b => b.Name == "features.1.running_mean").Buffer;
        var before = mean.ToArray();
        m.Train();
        m.Forward(Tensor.Randn(new Generator(6), 4, 3, 6, 6));
        Assert.NotEqual(before, mean.ToArray());
        m.Eval();
    }

    [Theory]
    [InlineData(11)]
    [InlineData(13)]
    public void SoftmaxFollowsTheOpsetsAxisSemantics(int opset)
    {
        // x [2,2,2]; axis=1: opset 11 flattens to [2,4] and normalises rows of 4; opset 13 normalises axis 1 alone.
        var g = new GraphProto();
        g.Input.Add(Value("x", 2, 2, 2));
        g.Output.Add(Value("y", 2, 2, 2));
        g.Node.Add(Node("Softmax", ["x"], ["y"], "sm", Int("axis", 1)));
        var y = OnnxModel.Load(Bytes(Model(g, opset))).Forward(Tensor.Zeros(2, 2, 2)).ToArray();
        Assert.All(y, v => Assert.Equal(opset < 13 ? 0.25f : 0.5f, v, 6));
    }

    [Fact]
    public void OperatorsAreCheckedAgainstTheTable()
    {
        Assert.Equal(13, OnnxOperators.Find("Softmax", 17)!.Since);
        Assert.Equal(1, OnnxOperators.Find("Softmax", 12)!.Since);
        Assert.Null(OnnxOperators.Find("HardSwish", 13));
        Assert.Null(OnnxOperators.Find("NoSuchOp", 17));
    }

    [Fact]
    public void GradientsFlowThroughTimeInAnImportedLstm()
    {
        var g = new GraphProto();
        g.Input.Add(Value("x", 4, -1, 3));
        g.Output.Add(Value("y", 4, 1, -1, 5));
        g.Initializer.Add(Floats("W", Seq(1 * 20 * 3), 1, 20, 3));
        g.Initializer.Add(Floats("R", Seq(1 * 20 * 5), 1, 20, 5));
        g.Initializer.Add(Floats("B", Seq(40, 0.01f), 1, 40));
        g.Node.Add(Node("LSTM", ["x", "W", "R", "B"], ["y"], "lstm", Int("hidden_size", 5)));
        var m = OnnxModel.Load(Bytes(Model(g)));
        Assert.Equal(["W", "R", "B"], m.NamedParameters().Select(p => p.Name).ToArray());
        var x = Tensor.Randn(new Generator(21), 4, 2, 3);
        var y = m.Forward(x);
        Assert.Equal(new Shape(4, 1, 2, 5), y.Shape);
        // the last step's output depends on the first input step
        var xg = x.Clone().RequiresGrad_();
        Ops.Sum(Ops.Narrow(m.Forward(xg), 0, 3, 1)).Backward();
        Assert.Contains(Ops.Narrow(xg.Grad!, 0, 0, 1).Contiguous().ToArray(), v => v != 0);
        Assert.NotNull(m.NamedParameters().First(p => p.Name == "R").Parameter.Grad);
    }

    [Fact]
    public void GridSampleGradientReachesImageAndGrid()
    {
        var g = new GraphProto();
        g.Input.Add(Value("x", 1, 2, 4, 5));
        g.Input.Add(Value("grid", 1, 3, 3, 2));
        g.Output.Add(Value("y", 1, 2, 3, 3));
        g.Node.Add(Node("GridSample", ["x", "grid"], ["y"], "gs"));
        var m = OnnxModel.Load(Bytes(Model(g, opset: 16)));
        var x = Tensor.Randn(new Generator(31), 1, 2, 4, 5).RequiresGrad_();
        // grid points away from pixel boundaries, so the finite differences do not cross a floor()
        var grid = Tensor.FromArray([-0.71f, -0.33f, 0.12f, -0.52f, 0.58f, -0.14f, -0.37f, 0.21f, 0.09f, 0.06f, 0.46f, 0.31f,
            -0.6f, 0.63f, 0.03f, 0.41f, 0.52f, 0.72f], 1, 3, 3, 2).RequiresGrad_();
        var r = GradCheck.Check(t => m.Run(new Dictionary<string, Tensor> { ["x"] = t[0], ["grid"] = t[1] })["y"], [x, grid], eps: 1e-3f, atol: 2e-2f, rtol: 2e-2f);
        Assert.True(r.Ok, r.Message);
    }

    [Fact]
    public void FineTunedImportExportsWithItsNewWeights()
    {
        var m = OnnxModel.Load(Bytes(SmallCnn()));
        m.ReplaceHead(3, new Generator(41));
        var x = Tensor.Randn(new Generator(42), 2, 3, 6, 6);
        var opt = new Fovea.Optim.SGD(m.Parameters(), lr: 0.1f);
        m.Forward(x).Sum().Backward();
        opt.Step();
        var back = OnnxModel.Load(OnnxExport.ToBytes(m, x));
        Assert.Equal(["N", "3"], back.Outputs[0].Dims);
        using (Autograd.NoGrad()) Assert.Equal(m.Forward(x).ToArray(), back.Forward(x).ToArray());
    }
}
