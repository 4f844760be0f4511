using BenchmarkDotNet.Attributes;
using Fovea.Kernels;

namespace Fovea.Benchmarks;

/// <summary>Training-mode batch norm over the cnn-bn activations (batch 128: 32x28x28 and 64x14x14), forward
/// (baseline) and backward, into preallocated buffers.</summary>
[MemoryDiagnoser]
public class BatchNormBenchmarks
{
    [Params(32, 64)]
    public int Channels;

    int n = 128, s;
    float[] x = [], y = [], g = [], gx = [], w = [], b = [], rm = [], rv = [], mean = [], invstd = [], gw = [], gb = [];

    [GlobalSetup]
    public void Setup()
    {
        s = Channels == 32 ? 28 * 28 : 14 * 14;
        var rng = new Random(1);
        x = new float[n * Channels * s]; y = new float[x.Length]; g = new float[x.Length]; gx = new float[x.Length];
        for (int i = 0; i < x.Length; i++) { x[i] = (float)rng.NextDouble(); g[i] = (float)rng.NextDouble() - 0.5f; }
        w = new float[Channels]; b = new float[Channels]; rm = new float[Channels]; rv = new float[Channels];
        mean = new float[Channels]; invstd = new float[Channels]; gw = new float[Channels]; gb = new float[Channels];
        Array.Fill(w, 1f); Array.Fill(rv, 1f);
    }

    [Benchmark(Baseline = true)]
    public void Forward() => BatchNormKernel.Forward(x, y, n, Channels, s, w, b, rm, rv, true, 0.1f, 1e-5f, mean, invstd);

    [Benchmark]
    public void Backward() => BatchNormKernel.Backward(g, x, n, Channels, s, w, mean, invstd, true, gx, gw, gb);
}
