using System.Diagnostics;
using Fovea.NN;
using Fovea.Optim;

namespace Fovea.Tests.Optim;

/// <summary>End to end: layers, a loss, an optimizer and a schedule fit small synthetic problems to near-perfect training accuracy.</summary>
public class TrainingTests
{
    static float Accuracy(Tensor logits, Tensor labels)
    {
        var pred = Fovea.Ops.ArgMax(logits, 1).ToArray();
        var y = labels.ToArray();
        int ok = 0;
        for (int i = 0; i < y.Length; i++) if (pred[i] == y[i]) ok++;
        return ok / (float)y.Length;
    }

    static float Train(Module model, Tensor x, Tensor y, Optimizer opt, LRScheduler? sched, int steps, Loss loss)
    {
        for (int s = 0; s < steps; s++)
        {
            opt.ZeroGrad();
            var l = loss.Forward(model.Call(x), y);
            Assert.True(float.IsFinite(l.Item()), $"loss became {l.Item()} at step {s}");
            l.Backward();
            ClipGrad.Norm(model.Parameters(), 5f);
            opt.Step();
            sched?.Step();
        }
        using (Fovea.Autograd.NoGrad()) return Accuracy(model.Call(x), y);
    }

    // Three concentric noisy rings in the plane: not linearly separable.
    [Fact]
    public void MlpFitsConcentricRings()
    {
        var g = new Generator(21);
        const int perClass = 60;
        var xs = new float[3 * perClass * 2];
        var ys = new float[3 * perClass];
        for (int c = 0; c < 3; c++)
            for (int i = 0; i < perClass; i++)
            {
                int k = c * perClass + i;
                double a = 2 * Math.PI * g.NextDouble(), r = 0.5 + c + 0.15 * g.NextNormal();
                xs[2 * k] = (float)(r * Math.Cos(a));
                xs[2 * k + 1] = (float)(r * Math.Sin(a));
                ys[k] = c;
            }
        var x = Tensor.FromArray(xs, 3 * perClass, 2);
        var y = Tensor.FromArray(ys);
        var model = new Sequential(new Linear(2, 32, generator: g), new ReLU(), new Linear(32, 32, generator: g), new ReLU(), new Linear(32, 3, generator: g));
        var opt = new Adam(model.Parameters(), lr: 0.01f);
        var sched = new OneCycleLR(opt, maxLr: 0.03f, totalSteps: 300);
        var sw = Stopwatch.StartNew();
        float acc = Train(model, x, y, opt, sched, 300, new CrossEntropyLoss());
        Assert.True(acc >= 0.98f, $"MLP training accuracy {acc:P1} after 300 steps ({sw.ElapsedMilliseconds} ms)");
    }

    // 8x8 images of a bar: horizontal, vertical, diagonal or anti-diagonal, at a random place, with noise.
    [Fact]
    public void TwoLayerCnnFitsBarOrientations()
    {
        var g = new Generator(22);
        const int n = 64, side = 8;
        var xs = new float[n * side * side];
        var ys = new float[n];
        for (int i = 0; i < n; i++)
        {
            int c = i % 4;
            ys[i] = c;
            var img = xs.AsSpan(i * side * side, side * side);
            for (int p = 0; p < img.Length; p++) img[p] = 0.2f * g.NextNormal();
            int r0 = 1 + g.NextInt(side - 5), c0 = 1 + g.NextInt(side - 5);
            for (int t = 0; t < 4; t++)
            {
                var (dr, dc) = c switch { 0 => (0, t), 1 => (t, 0), 2 => (t, t), _ => (t, 3 - t) };
                img[(r0 + dr) * side + c0 + dc] += 1f;
            }
        }
        var x = Tensor.FromArray(xs, n, 1, side, side);
        var y = Tensor.FromArray(ys);
        var model = new Sequential(
            new Conv2d(1, 8, 3, padding: 1, generator: g), new ReLU(), new MaxPool2d(2),
            new Conv2d(8, 16, 3, padding: 1, generator: g), new ReLU(), new AdaptiveAvgPool2d(1),
            new Flatten(), new Linear(16, 4, generator: g));
        var opt = new AdamW(model.Parameters(), lr: 0.02f, weightDecay: 1e-4f);
        var sched = new SequentialLR(opt, [new LinearLR(opt, startFactor: 0.2f, totalIters: 10), new CosineAnnealingLR(opt, tMax: 90)], [10]);
        var sw = Stopwatch.StartNew();
        float acc = Train(model, x, y, opt, sched, 100, new CrossEntropyLoss(labelSmoothing: 0.05f));
        Assert.True(acc >= 0.98f, $"CNN training accuracy {acc:P1} after 100 steps ({sw.ElapsedMilliseconds} ms)");
    }
}
