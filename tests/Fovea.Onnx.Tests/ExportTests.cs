using Xunit.Abstractions;
using Fovea.NN;
using Fovea.Vision.Models;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Fovea.Onnx.Tests;

/// <summary>
/// Export → import round trips give the same outputs, and ONNX Runtime (an independent implementation) computes
/// the same outputs from every exported zoo model within 1e-5 relative error.
/// </summary>
public class ExportTests(ITestOutputHelper output)
{
    static Module Randomised(Module m, int seed)
    {
        // Non-trivial BatchNorm statistics, so a wrong epsilon or a swapped mean/var shows.
        var g = new Generator(seed);
        var sd = m.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.Clone());
        foreach (var k in sd.Keys.ToArray())
        {
            if (k.EndsWith("running_mean")) sd[k] = Ops.Mul(Tensor.Randn(g, sd[k].Shape.ToArray()), 0.1f);
            else if (k.EndsWith("running_var")) sd[k] = Ops.Add(Tensor.Rand(g, sd[k].Shape.ToArray()), 0.5f);
            else if (k.EndsWith("num_batches_tracked")) continue;
            else if (k.Contains("bn") || k.EndsWith("bias")) sd[k] = Ops.Add(Ops.Mul(Tensor.Randn(g, sd[k].Shape.ToArray()), 0.1f), k.EndsWith("weight") ? 1f : 0f);
        }
        m.LoadStateDict(sd);
        return m.Eval();
    }

    static Tensor Reference(Module m, Tensor x)
    {
        using (Autograd.NoGrad()) return m.Eval().Call(x);
    }

    static float MaxRelErr(Tensor expected, float[] actual)
    {
        var e = expected.Contiguous().ToArray();
        Assert.Equal(e.Length, actual.Length);
        float scale = e.Max(MathF.Abs) + 1e-12f;
        float worst = 0;
        for (int i = 0; i < e.Length; i++) worst = MathF.Max(worst, MathF.Abs(e[i] - actual[i]) / scale);
        return worst;
    }

    public static TheoryData<string> ZooNames()
    {
        var d = new TheoryData<string>();
        foreach (var n in ModelZoo.Names) d.Add(n);
        return d;
    }

    static (Module Model, Tensor Input) Zoo(string name)
    {
        int c = name.StartsWith("wrn") || name.StartsWith("resnet") ? 3 : 1;
        var m = Randomised(ModelZoo.Create(name, inChannels: c, numClasses: 10, imageSize: 16, generator: new Generator(7)), 8);
        return (m, Tensor.Randn(new Generator(9), 2, c, 16, 16));
    }

    [Fact]
    public void SequentialRoundTripsWithEqualOutputs()
    {
        var g = new Generator(1);
        var model = Randomised(new Sequential(
            new Conv2d(3, 8, 3, padding: 1, generator: g), new BatchNorm2d(8), new ReLU(), new MaxPool2d(2),
            new Conv2d(8, 8, 3, stride: 2, padding: 1, groups: 2, generator: g), new LeakyReLU(0.2f), new AvgPool2d(2),
            new Flatten(), new Linear(8 * 2 * 2, 16, generator: g), new GELU(), new Dropout(0.3f), new Linear(16, 4, generator: g), new LogSoftmax(1)), 2);
        var x = Tensor.Randn(new Generator(3), 2, 3, 16, 16);
        var bytes = OnnxExport.ToBytes(model, x);
        var back = OnnxModel.Load(bytes);
        var expected = Reference(model, x);
        using (Autograd.NoGrad())
        {
            // Within float rounding, not bitwise: Linear takes a dot-product path for one or two rows.
            Assert.True(MaxRelErr(expected, back.Forward(x).ToArray()) < 1e-6f);
            // a different batch size works too (the batch axis is symbolic)
            var x5 = Tensor.Randn(new Generator(4), 5, 3, 16, 16);
            Assert.True(MaxRelErr(Reference(model, x5), back.Forward(x5).ToArray()) < 1e-6f);
        }
        // names follow the state dict, so the re-imported model accepts the original's state dict
        back.LoadStateDict(model.StateDict().Where(kv => !kv.Key.EndsWith("num_batches_tracked")).ToDictionary(kv => kv.Key, kv => kv.Value));
    }

    [Theory]
    [MemberData(nameof(ZooNames))]
    public void ZooModelRoundTripsWithEqualOutputs(string name)
    {
        var (model, x) = Zoo(name);
        var back = OnnxModel.Load(OnnxExport.ToBytes(model, x));
        using (Autograd.NoGrad())
            Assert.True(MaxRelErr(Reference(model, x), back.Forward(x).ToArray()) < 1e-6f);
    }

    [Theory]
    [MemberData(nameof(ZooNames))]
    public void ZooModelExportMatchesOnnxRuntime(string name)
    {
        var (model, x) = Zoo(name);
        var bytes = OnnxExport.ToBytes(model, x);
        using var session = new InferenceSession(bytes);
        var input = new DenseTensor<float>(x.ToArray(), x.Shape.ToArray());
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(session.InputMetadata.Keys.Single(), input)]);
        var ort = results.First().AsEnumerable<float>().ToArray();
        float err = MaxRelErr(Reference(model, x), ort);
        output.WriteLine($"{name}: max relative error vs ONNX Runtime {err:E2}");
        Assert.True(err < 1e-5f, $"{name}: max relative error {err}");
    }

    [Fact]
    public void ExportedZooModelCanBeFineTunedAfterImport()
    {
        var (model, x) = Zoo("resnet20");
        var m = OnnxModel.Load(OnnxExport.ToBytes(model, x));
        Assert.Contains(m.NamedParameters(), p => p.Name == "stages.0.conv1.weight");
        Assert.Contains(m.NamedBuffers(), p => p.Name == "stages.0.bn1.running_mean");
        m.Freeze();
        m.ReplaceHead(3, new Generator(1));
        Assert.Equal(["head.2.weight", "head.2.bias"], m.NamedParameters().Where(p => p.Parameter.RequiresGrad).Select(p => p.Name).ToArray());
        var opt = new Fovea.Optim.SGD(m.Parameters().Where(p => p.RequiresGrad), lr: 0.5f);
        var target = Tensor.FromArray([0f, 2f], 2);
        float first = 0, last = 0;
        for (int step = 0; step < 5; step++)
        {
            opt.ZeroGrad();
            var loss = Losses.CrossEntropy(m.Forward(x), target);
            loss.Backward();
            opt.Step();
            if (step == 0) first = loss.Item();
            last = loss.Item();
        }
        Assert.True(last < first, $"loss {first} -> {last}");
    }

    [Fact]
    public void ExtensionMethodWritesAFile()
    {
        string p = Path.Combine(Path.GetTempPath(), $"fovea-export-{Guid.NewGuid():N}.onnx");
        try
        {
            var m = new Sequential(new Linear(4, 3, generator: new Generator(1)), new Softmax(1));
            m.ExportOnnx(p, Tensor.Ones(1, 4));
            var back = OnnxModel.Load(p);
            Assert.Equal(new[] { "Gemm", "Softmax", "Identity" }.Order(), back.OperatorHistogram.Keys.Order());
            using (Autograd.NoGrad()) Assert.Equal(Reference(m, Tensor.Ones(3, 4)).ToArray(), back.Forward(Tensor.Ones(3, 4)).ToArray());
        }
        finally { File.Delete(p); }
    }

    sealed class Custom : Module
    {
        public override Tensor Forward(Tensor input) => input * 2f;
    }

    [Fact]
    public void UnknownModuleTypeIsNamedAndCustomExportersWork()
    {
        var m = new Sequential(new Custom());
        var e = Assert.Throws<NotSupportedException>(() => OnnxExport.ToBytes(m, Tensor.Ones(1, 2)));
        Assert.Contains("Custom", e.Message);
        OnnxExport.RegisterModule<Custom>((b, c, x) => new(b.Node("Mul", [x.Name, b.Scalar("two", 2f)]), c.Call(x.Value)));
        var back = OnnxModel.Load(OnnxExport.ToBytes(m, Tensor.Ones(1, 2)));
        Assert.Equal([2f, 2f], back.Forward(Tensor.Ones(1, 2)).ToArray());
    }
}
