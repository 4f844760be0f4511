using Fovea.Kernels;

namespace Fovea.Tests.Kernels;

public class NormMathTests
{
    // Every length 0..256 so each vector width's tail is hit; compared with double loops.
    [Fact]
    public void SpanHelpersMatchNaiveLoopsForEveryTailLength()
    {
        var gen = new Generator(42);
        for (int n = 0; n <= 256; n++)
        {
            var x = Tensor.Randn(gen, Math.Max(n, 1)).ToArray().AsSpan(0, n).ToArray();
            var g = Tensor.Randn(gen, Math.Max(n, 1)).ToArray().AsSpan(0, n).ToArray();
            const float mean = 0.3f, a = -1.7f, b = 0.45f;
            double sum = 0, sq = 0, dot = 0;
            for (int i = 0; i < n; i++) { sum += x[i]; sq += (x[i] - (double)mean) * (x[i] - mean); dot += g[i] * (x[i] - (double)mean); }
            Assert.True(Math.Abs(NormMath.Sum(x) - sum) <= 1e-4 * (1 + Math.Abs(sum)), $"Sum n={n}");
            Assert.True(Math.Abs(NormMath.SumSqDiff(x, mean) - sq) <= 1e-4 * (1 + sq), $"SumSqDiff n={n}");
            Assert.True(Math.Abs(NormMath.DotDiff(g, x, mean) - dot) <= 1e-4 * (1 + Math.Abs(dot)), $"DotDiff n={n}");
            var d1 = new float[n];
            var d2 = new float[n];
            NormMath.Affine(x, a, b, d1);
            NormMath.Normalize(x, mean, a, b, d2);
            for (int i = 0; i < n; i++)
            {
                Assert.True(Math.Abs(d1[i] - (x[i] * (double)a + b)) <= 1e-5, $"Affine n={n} i={i}");
                Assert.True(Math.Abs(d2[i] - ((x[i] - (double)mean) * a + b)) <= 1e-5, $"Normalize n={n} i={i}");
            }
        }
    }
}
