using Fovea.Kernels;

namespace Fovea.Tests.Kernels;

/// <summary>
/// The few-row fully-connected kernel against a double-accumulating reference: small weights (one thread) and weights
/// above the split threshold (output rows over the threads, including more threads than make equal shares), with and
/// without bias and ReLU; the result is bitwise the same for any thread count.
/// </summary>
[Collection("Parallelism.MaxThreads")]
public class GemvTests
{
    [Theory]
    [InlineData(1, 7, 5)]
    [InlineData(2, 10, 67)]
    [InlineData(1, 128, 3136)]
    [InlineData(2, 131, 1031)]
    [InlineData(1, 3, 65536)]
    public void MatchesDoubleReferenceOnAnyThreadCount(int rows, int outF, int inF)
    {
        var rng = new Random(rows * 1000 + outF);
        float[] x = Rand(rng, rows * inF), w = Rand(rng, outF * inF), b = Rand(rng, outF);
        foreach (bool bias in new[] { false, true })
            foreach (var act in new[] { GemmActivation.None, GemmActivation.Relu })
            {
                float[]? first = null;
                foreach (int threads in new[] { 1, 2, 3 })
                {
                    int saved = Parallelism.MaxThreads;
                    Parallelism.MaxThreads = threads;
                    var y = new float[rows * outF];
                    try { Gemv.Run(x, w, bias ? b : default, y, rows, outF, inF, act); }
                    finally { Parallelism.MaxThreads = saved; }
                    for (int r = 0; r < rows; r++)
                        for (int o = 0; o < outF; o++)
                        {
                            double s = bias ? b[o] : 0;
                            for (int i = 0; i < inF; i++) s += (double)x[r * inF + i] * w[o * inF + i];
                            if (act == GemmActivation.Relu) s = Math.Max(s, 0);
                            Assert.True(Math.Abs(y[r * outF + o] - s) <= 1e-5 * Math.Sqrt(inF) * (1 + Math.Abs(s)), $"[{r},{o}] {y[r * outF + o]} vs {s} ({threads} threads)");
                        }
                    if (first is null) first = y; else Assert.Equal(first, y);
                }
            }
    }

    [Fact]
    public void ShortSpansAreRejected() =>
        Assert.Throws<ArgumentException>(() => Gemv.Run(new float[4], new float[6], default, new float[3], 1, 3, 4, GemmActivation.None));

    static float[] Rand(Random rng, int n)
    {
        var a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float)(rng.NextDouble() * 2 - 1);
        return a;
    }
}
