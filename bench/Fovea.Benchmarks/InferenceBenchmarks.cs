using BenchmarkDotNet.Attributes;
using Fovea.NN;
using Fovea.Vision.Models;

namespace Fovea.Benchmarks;

/// <summary>
/// fmnist-cnn forwards under <see cref="Autograd.NoGrad"/> at batch 1 and 256 (what the ONNX Runtime peer of
/// `bench/compare.sh` times): the fused conv + ReLU + 2x2 max pool paths (DirectSmallConv, ChannelLaneConv at batch 1,
/// Winograd with the pool in its output transform at 256), the batch-1 GEMV and GEMM's epilogue.
/// Run: <c>dotnet run -c Release --project bench/Fovea.Benchmarks -- --filter '*InferenceBenchmarks*'</c>.
/// </summary>
[MemoryDiagnoser]
public class InferenceBenchmarks
{
    [Params(1, 256)]
    public int Batch;

    Module model = null!;
    Tensor x = null!;

    [GlobalSetup]
    public void Setup()
    {
        var g = new Generator(0);
        model = ModelZoo.Create("fmnist-cnn", 1, 10, 28, g);
        model.Eval();
        x = Tensor.Rand(g, Batch, 1, 28, 28);
    }

    [Benchmark]
    public Tensor Forward()
    {
        using (Autograd.NoGrad()) return model.Call(x);
    }
}
