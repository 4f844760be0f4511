using BenchmarkDotNet.Attributes;
using Fovea.NN;
using Fovea.Optim;
using Fovea.Vision.Models;

namespace Fovea.Benchmarks;

/// <summary>One full training step (forward, cross-entropy, backward, Adam) of a zoo model on a random batch of 128
/// 28x28 images. Allocated bytes per step come from the memory diagnoser.</summary>
[MemoryDiagnoser]
public class TrainStepBenchmarks
{
    [Params("fmnist-cnn", "cnn-bn")]
    public string Model = "fmnist-cnn";

    Module model = null!;
    Adam opt = null!;
    readonly CrossEntropyLoss loss = new();
    Tensor x = null!, t = null!;

    [GlobalSetup]
    public void Setup()
    {
        var g = new Generator(0);
        model = ModelZoo.Create(Model, 1, 10, 28, g);
        model.Train();
        opt = new Adam(model.Parameters(), 1e-3f);
        x = Tensor.Rand(g, 128, 1, 28, 28);
        t = Tensor.RandInt(g, 0, 10, 128);
    }

    [Benchmark]
    public float Step()
    {
        opt.ZeroGrad();
        var l = loss.Forward(model.Call(x), t);
        l.Backward();
        opt.Step();
        return l.Item();
    }
}
