using BenchmarkDotNet.Attributes;
using Fovea.Kernels;

namespace Fovea.Benchmarks;

/// <summary>ReLU forward and backward over the first fmnist-cnn activation (128x32x28x28): through the ops with
/// autograd (allocating outputs, baseline) and the map kernels into preallocated buffers.</summary>
[MemoryDiagnoser]
public class ElementwiseBenchmarks
{
    Tensor x = null!;
    float[] y = [], g = [], gx = [];

    [GlobalSetup]
    public void Setup()
    {
        x = Tensor.Randn(new Generator(1), 128, 32, 28, 28);
        y = new float[x.Numel]; g = x.ToArray(); gx = new float[x.Numel];
    }

    [Benchmark(Baseline = true)]
    public Tensor ReluOp()
    {
        using var _ = Autograd.NoGrad();
        return Ops.Relu(x);
    }

    [Benchmark]
    public void ReluKernel() => Map.Unary<ReluOp>(x.Span, y);

    [Benchmark]
    public void ReluBackwardKernel() => Map.Binary<ReluGradOp>(y, g, gx);
}
