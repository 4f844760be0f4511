using BenchmarkDotNet.Attributes;
using Fovea.Kernels;

namespace Fovea.Benchmarks;

/// <summary>2x2 stride-2 max pooling at the fmnist-cnn shapes (batch 128): the general index-writing kernel (baseline)
/// against the index-free 2x2 kernel, forward and backward.</summary>
[MemoryDiagnoser]
public class PoolingBenchmarks
{
    [Params(32, 64)]
    public int Channels;

    int planes, h, w;
    float[] x = [], y = [], g = [], gx = [];
    int[] idx = [];
    PoolGeometry geo;

    [GlobalSetup]
    public void Setup()
    {
        planes = 128 * Channels;
        h = w = Channels == 32 ? 28 : 14;
        var rng = new Random(1);
        x = new float[planes * h * w]; gx = new float[x.Length];
        y = new float[planes * h * w / 4]; g = new float[y.Length]; idx = new int[y.Length];
        for (int i = 0; i < x.Length; i++) x[i] = (float)rng.NextDouble();
        for (int i = 0; i < g.Length; i++) g[i] = (float)rng.NextDouble();
        geo = new PoolGeometry(1, h, w, 1, h / 2, w / 2, 1, 2, 2, 1, 2, 2, 0, 0, 0);
    }

    [Benchmark(Baseline = true)]
    public void GeneralForwardBackward()
    {
        MaxPoolKernel.Forward(x, y, idx, planes, geo);
        MaxPoolKernel.Backward(g, idx, gx, planes, geo.InPlane, geo.OutPlane);
    }

    [Benchmark]
    public void Fast2x2ForwardBackward()
    {
        MaxPool2x2Kernel.Forward(x, y, planes, h, w);
        MaxPool2x2Kernel.Backward(x, y, g, gx, planes, h, w);
    }

    [Benchmark]
    public void Fast2x2Forward() => MaxPool2x2Kernel.Forward(x, y, planes, h, w);
}
