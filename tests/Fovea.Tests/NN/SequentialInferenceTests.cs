using Fovea.NN;
using Fovea.Tests.Reference;

namespace Fovea.Tests.NN;

// Under NoGrad, Sequential fuses Conv + ReLU and Linear + ReLU; the results must match the recorded (unfused) path.
public class SequentialInferenceTests
{
    static Sequential SmallCnn(int size, int classes, Generator g) => new(
        new Conv2d(1, 5, 3, padding: 1, generator: g), new ReLU(), new MaxPool2d(2),
        new Conv2d(5, 33, 3, padding: 1, generator: g), new ReLU(), new MaxPool2d(2), new Flatten(),
        new Linear(33 * (size / 4) * (size / 4), 17, generator: g), new ReLU(), new Linear(17, classes, generator: g));

    [Theory]
    [InlineData(1, 9)]
    [InlineData(2, 11)]
    [InlineData(7, 13)]
    public void NoGradForwardMatchesRecordedForward(int batch, int size)
    {
        var g = new Generator(3);
        var model = SmallCnn(size, 3, g);
        model.Eval();
        var x = Tensor.Randn(g, batch, 1, size, size);
        var recorded = model.Call(x);
        Tensor fused;
        using (Autograd.NoGrad()) fused = model.Call(x);
        Assert.False(fused.RequiresGrad);
        TensorAssert.Close(recorded.Detach(), fused, 1e-5f, 1e-5f);
    }

    [Fact]
    public void Conv1dAnd3dAndLinearReluFuse()
    {
        var g = new Generator(5);
        var m1 = new Sequential(new Conv1d(3, 7, 3, padding: 1, generator: g), new ReLU(), new Flatten(), new Linear(7 * 10, 5, generator: g), new ReLU());
        var x1 = Tensor.Randn(g, 4, 3, 10);
        var m3 = new Sequential(new Conv3d(2, 4, 3, generator: g), new ReLU());
        var x3 = Tensor.Randn(g, 2, 2, 5, 4, 6);
        var e1 = m1.Call(x1).Detach();
        var e3 = m3.Call(x3).Detach();
        using var _ = Autograd.NoGrad();
        TensorAssert.Close(e1, m1.Call(x1), 1e-5f, 1e-5f);
        TensorAssert.Close(e3, m3.Call(x3), 1e-5f, 1e-5f);
    }

    [Fact]
    public void HooksSeeTheUnfusedOutputs()
    {
        var g = new Generator(7);
        var model = SmallCnn(8, 4, g);
        var x = Tensor.Randn(g, 2, 1, 8, 8);
        Tensor? convOut = null, reluOut = null;
        using var h1 = model[0].RegisterForwardHook((_, _, y) => convOut = y);
        using var h2 = model[7].RegisterForwardHook((_, _, y) => { });
        using var h3 = model[8].RegisterForwardHook((_, _, y) => reluOut = y);
        using var _ = Autograd.NoGrad();
        model.Call(x);
        Assert.NotNull(convOut);
        Assert.Contains(convOut!.ToArray(), v => v < 0);   // the conv's own output, before the ReLU
        Assert.NotNull(reluOut);
        Assert.DoesNotContain(reluOut!.ToArray(), v => v < 0);
    }

    [Theory]
    [InlineData(1, 3, 5)]
    [InlineData(2, 37, 11)]
    [InlineData(1, 3136, 128)]
    public void LinearAtOneOrTwoRowsMatchesBatchedProduct(int rows, int inF, int outF)
    {
        var g = new Generator(rows + inF);
        var w = Tensor.Randn(g, outF, inF);
        var b = Tensor.Randn(g, outF);
        var x = Tensor.Randn(g, 9, inF);
        var all = Ops.Linear(x, w, b);                       // 9 rows: GEMM
        var few = Ops.Linear(x.Narrow(0, 0, rows), w, b);    // 1 or 2 rows: dot products
        TensorAssert.Close(all.Narrow(0, 0, rows).Contiguous(), few, 1e-4f, 1e-5f);
    }
}
