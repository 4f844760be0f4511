using Fovea.NN;
using Fovea.Optim;
using Fovea.Robust;

namespace Fovea.Tests.RobustTests;

/// <summary>Small seeded problems and models for the explanation and robustness tests.</summary>
internal static class TinyModels
{
    /// <summary>Four classes on 1×8×8 pixels in [0,1]: the class is the quadrant holding a bright 3×3 blob, plus noise.</summary>
    public static (Tensor X, Tensor Y) Blobs(int n, int seed)
    {
        var g = new Generator(seed);
        var x = new float[n * 64];
        var y = new float[n];
        for (int i = 0; i < n; i++)
        {
            int c = g.NextInt(4);
            y[i] = c;
            int oy = c / 2 * 4, ox = c % 2 * 4;
            for (int p = 0; p < 64; p++) x[i * 64 + p] = 0.25f * g.NextFloat();
            for (int dy = 0; dy < 3; dy++)
                for (int dx = 0; dx < 3; dx++) x[i * 64 + (oy + dy + g.NextInt(2)) * 8 + ox + dx + g.NextInt(2)] = 0.6f + 0.4f * g.NextFloat();
        }
        return (Tensor.FromArray(x, n, 1, 8, 8), Tensor.FromArray(y, n));
    }

    /// <summary>A conv net for <see cref="Blobs"/>, untrained.</summary>
    public static Sequential Cnn(int seed, bool bias = true)
    {
        var g = new Generator(seed);
        return new Sequential(
            new Conv2d(1, 6, 3, padding: 1, bias: bias, generator: g), new ReLU(), new MaxPool2d(2),
            new Conv2d(6, 8, 3, padding: 1, bias: bias, generator: g), new ReLU(),
            new Flatten(), new Linear(8 * 4 * 4, 4, bias: bias, generator: g));
    }

    /// <summary><see cref="Cnn"/> trained full-batch with Adam on 256 blobs (about 100% training accuracy).</summary>
    public static (Sequential Model, Tensor X, Tensor Y) TrainedCnn(int seed = 3)
    {
        var (x, y) = Blobs(256, seed);
        var model = Cnn(seed);
        var opt = new Adam(model.Parameters(), 0.02f);
        var loss = new CrossEntropyLoss();
        for (int step = 0; step < 80; step++)
        {
            opt.ZeroGrad();
            loss.Forward(model.Call(x), y).Backward();
            opt.Step();
        }
        model.Eval();
        return (model, x, y);
    }

    /// <summary>The share of correctly classified images.</summary>
    public static double Accuracy(Module model, Tensor x, Tensor y)
    {
        var p = RobustnessEvaluator.Predict(model, x);
        int ok = 0;
        for (int i = 0; i < p.Length; i++) if (p[i] == (int)y[i]) ok++;
        return (double)ok / p.Length;
    }
}
