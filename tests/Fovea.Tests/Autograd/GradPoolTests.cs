using Fovea.Tests.Reference;

namespace Fovea.Tests.AutogradTests;

public class GradPoolTests
{
    // A graph where pooled gradient buffers are consumed, shared by two paths and accumulated: repeated backward
    // passes (which reuse recycled buffers) must give the same gradients as the first one, and as finite differences.
    static Tensor Net(Tensor x, Tensor w)
    {
        var a = Ops.Relu(Ops.MaxPool2d(x, 2));            // pooled buffer (MaxPool) then in-place Relu
        var b = Ops.MaxPool2d(Ops.Relu(x), 2);
        var c = Ops.Relu(a + b) * w;                       // x reached along two paths: accumulation
        return Ops.Sum(c * c);
    }

    [Fact]
    public void RepeatedStepsGiveIdenticalGradients()
    {
        var gen = new Generator(3);
        var x = Tensor.Randn(gen, 2, 3, 6, 8).RequiresGrad_();
        var w = Tensor.Randn(gen, 2, 3, 3, 4).RequiresGrad_();
        Net(x, w).Backward();
        var gx0 = x.Grad!.ToArray();
        var gw0 = w.Grad!.ToArray();
        for (int step = 0; step < 4; step++)
        {
            x.Grad = null; w.Grad = null;
            Net(x, w).Backward();
            Assert.Equal(gx0, x.Grad!.ToArray());
            Assert.Equal(gw0, w.Grad!.ToArray());
        }
        // The same function from ops that take nothing from the pool (general max pool, ReLU as max(x, 0)).
        var x2 = x.Detach().Clone().RequiresGrad_();
        var w2 = w.Detach().Clone().RequiresGrad_();
        Tensor Pool(Tensor t) => Ops.MaxPoolWithIndices(t, [2, 2], null, null, null, false).values;
        Tensor Relu(Tensor t) => Ops.Maximum(t, Tensor.Zeros(1));
        var a = Relu(Pool(x2));
        var b = Pool(Relu(x2));
        var c = Relu(a + b) * w2;
        Ops.Sum(c * c).Backward();
        TensorAssert.Close(x2.Grad!, x.Grad!, 1e-5f, 1e-5f);
        TensorAssert.Close(w2.Grad!, w.Grad!, 1e-5f, 1e-5f);
    }

    [Fact]
    public void GradientsSeenByHooksAndLeavesAreNeverRecycled()
    {
        var gen = new Generator(5);
        var x = Tensor.Randn(gen, 2, 2, 4, 4).RequiresGrad_();
        var captured = new List<(Tensor g, float[] copy)>();
        Tensor Step()
        {
            var p = Ops.MaxPool2d(x, 2);
            var r = Ops.Relu(p);
            var y = Ops.MaxPool2d(Ops.Relu(Ops.Reshape(Ops.Relu(Ops.Reshape(r, 2, 2, 2, 2)), 2, 2, 2, 2) * 3f), 1, 1);
            r.RegisterHook(g => captured.Add((g, g.ToArray())));
            return Ops.Sum(y * y);
        }
        var grads = new List<(Tensor g, float[] copy)>();
        for (int i = 0; i < 5; i++)
        {
            x.Grad = null;
            Step().Backward();
            grads.Add((x.Grad!, x.Grad!.ToArray()));
        }
        // Later passes must not have written into buffers handed out earlier.
        foreach (var (g, copy) in captured) Assert.Equal(copy, g.ToArray());
        foreach (var (g, copy) in grads) Assert.Equal(copy, g.ToArray());
    }
}
