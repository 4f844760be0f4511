using Fovea.NN;
using Fovea.Optim;

namespace Fovea.Tests.AutogradTests;

// Sequential recycles the activations between its children once a backward pass has freed their graph (or at once
// under NoGrad). Recycling must change no result and no tensor a user holds. A forward hook turns recycling off, so
// a hooked copy of the same model is the reference. Sizes are odd so that no other test asks for the same buffers.
public class ActivationSegmentTests
{
    const int Size = 26, Batch = 4;

    // A convolution stack whose input and output are large enough to be recycled (they must not be).
    static Sequential ConvOnly(int seed)
    {
        var g = new Generator(seed);
        return new Sequential(new Conv2d(8, 9, 3, padding: 1, generator: g), new ReLU(), new Conv2d(9, 8, 3, padding: 1, generator: g), new Flatten());
    }

    static Sequential Model(int seed, bool batchNorm = false)
    {
        var g = new Generator(seed);
        var layers = new List<Module> { new Conv2d(1, 9, 3, padding: 1, generator: g) };
        if (batchNorm) layers.Add(new BatchNorm2d(9));
        layers.AddRange([new ReLU(), new MaxPool2d(2), new Conv2d(9, 11, 3, padding: 1, generator: g), new ReLU(), new Flatten()]);
        if (batchNorm) layers.Add(new Dropout(0.3f, new Generator(seed + 1)));
        layers.AddRange([new Linear(11 * 13 * 13, 7, generator: g), new ReLU(), new Linear(7, 5, generator: g)]);
        return new Sequential([.. layers]);
    }

    static Sequential Hooked(Sequential m)
    {
        m[1].RegisterForwardHook((_, _, _) => { });
        return m;
    }

    static long Step(Sequential model, Adam opt, Tensor x, Tensor t, List<(Tensor Out, float[] Copy)> kept)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        opt.ZeroGrad();
        var y = model.Call(x);
        kept.Add((y, y.ToArray()));
        (y.Shape[1] == 5 ? new CrossEntropyLoss().Forward(y, t) : Ops.Sum(y * y)).Backward();
        opt.Step();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void TrainingIsBitwiseTheSameAndHeldTensorsNeverChange(int kind)
    {
        var a = kind == 2 ? ConvOnly(11) : Model(11, kind == 1);
        var b = Hooked(kind == 2 ? ConvOnly(11) : Model(11, kind == 1));
        int c = kind == 2 ? 8 : 1;
        var optA = new Adam(a.Parameters(), 1e-2f);
        var optB = new Adam(b.Parameters(), 1e-2f);
        var g = new Generator(4);
        var keptA = new List<(Tensor, float[])>();
        var keptB = new List<(Tensor, float[])>();
        for (int s = 0; s < 6; s++)
        {
            var x = Tensor.Rand(g, Batch, c, Size, Size);
            var xCopy = x.ToArray();
            var t = Tensor.RandInt(g, 0, 5, Batch);
            Step(a, optA, x, t, keptA);
            Step(b, optB, x, t, keptB);
            Assert.Equal(xCopy, x.ToArray());
        }
        var pa = a.Parameters().ToList();
        var pb = b.Parameters().ToList();
        for (int i = 0; i < pa.Count; i++) Assert.Equal(pb[i].ToArray(), pa[i].ToArray());
        for (int s = 0; s < keptA.Count; s++)
        {
            Assert.Equal(keptA[s].Item2, keptA[s].Item1.ToArray());   // outputs a user kept are untouched by later steps
            Assert.Equal(keptB[s].Item2, keptA[s].Item1.ToArray());
        }
        // The activations (here ~4 x 9 x 26 x 26 floats and more per step) now come from the pool. (Each model on its
        // own: the pool is shared, so the hooked model would take the buffers the other one frees.)
        long lastA = 0, lastB = 0;
        var xs = Tensor.Rand(g, Batch, c, Size, Size);
        var ts = Tensor.RandInt(g, 0, 5, Batch);
        for (int s = 0; s < 3; s++) lastA = Step(a, optA, xs, ts, []);
        for (int s = 0; s < 3; s++) lastB = Step(b, optB, xs, ts, []);
        Assert.True(lastA < lastB - 4 * Batch * 9 * Size * Size, $"recycling model allocated {lastA} B per step, the hooked one {lastB} B");
    }

    [Fact]
    public void RetainedGraphKeepsItsBuffersUntilTheLastPass()
    {
        var a = Model(12);
        var b = Hooked(Model(12));
        var g = new Generator(5);
        var x = Tensor.Rand(g, Batch, 1, Size, Size);
        Tensor Loss(Sequential m) => Ops.Sum(m.Call(x) * m.Call(x));   // two forwards, one graph
        var la = Loss(a);
        var lb = Loss(b);
        la.Backward(retainGraph: true);
        lb.Backward(retainGraph: true);
        // Another forward in between would take freed buffers: there must be none yet.
        var mid = a.Call(Tensor.Rand(g, Batch, 1, Size, Size));
        la.Backward();
        lb.Backward();
        GC.KeepAlive(mid);
        var pa = a.Parameters().ToList();
        var pb = b.Parameters().ToList();
        for (int i = 0; i < pa.Count; i++) Assert.Equal(pb[i].Grad!.ToArray(), pa[i].Grad!.ToArray());
        Assert.Throws<InvalidOperationException>(() => la.Backward());
    }

    [Fact]
    public void ForwardWithoutBackwardAndNoGradForwardsLeaveResultsAlone()
    {
        var a = Model(13);
        var b = Hooked(Model(13));
        var g = new Generator(6);
        var outs = new List<(Tensor, float[])>();
        for (int s = 0; s < 4; s++)
        {
            var x = Tensor.Rand(g, Batch, 1, Size, Size);
            var y = a.Call(x);                       // recorded, never backpropagated: nothing is recycled
            outs.Add((y, y.ToArray()));
            Assert.Equal(b.Call(x).ToArray(), y.ToArray());
            using (Autograd.NoGrad())
            {
                var z = a.Call(x);                   // intermediates recycled at once
                outs.Add((z, z.ToArray()));
                var zb = b.Call(x);
                Assert.Equal(zb.ToArray(), z.ToArray());
            }
        }
        foreach (var (t, copy) in outs) Assert.Equal(copy, t.ToArray());
    }
}
