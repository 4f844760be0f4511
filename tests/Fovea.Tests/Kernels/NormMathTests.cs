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

    // The fused one-pass helpers of the batch-norm kernel, every tail length, against double loops.
    [Fact]
    public void FusedHelpersMatchNaiveLoopsForEveryTailLength()
    {
        var gen = new Generator(43);
        for (int n = 0; n <= 256; n++)
        {
            var x = Tensor.Randn(gen, Math.Max(n, 1)).ToArray().AsSpan(0, n).ToArray();
            var g = Tensor.Randn(gen, Math.Max(n, 1)).ToArray().AsSpan(0, n).ToArray();
            for (int i = 0; i < n; i++) x[i] = 5f + x[i]; // an offset mean: the shift must keep the variance exact
            const float shift = 4.5f, mean = 5.1f, a = 0.7f, b = -1.3f, c = 0.25f;
            double s1 = 0, s2 = 0, sg = 0, dot = 0;
            for (int i = 0; i < n; i++)
            {
                double d = x[i] - (double)shift;
                s1 += d; s2 += d * d; sg += g[i]; dot += g[i] * (x[i] - (double)mean);
            }
            var (m1, m2) = NormMath.ShiftedMoments(x, shift);
            Assert.True(Math.Abs(m1 - s1) <= 1e-4 * (1 + Math.Abs(s1)), $"ShiftedMoments sum n={n}");
            Assert.True(Math.Abs(m2 - s2) <= 1e-4 * (1 + s2), $"ShiftedMoments sumSq n={n}");
            var (f1, f2) = NormMath.SumAndDotDiff(g, x, mean);
            Assert.True(Math.Abs(f1 - sg) <= 1e-4 * (1 + Math.Abs(sg)), $"SumAndDotDiff sum n={n}");
            Assert.True(Math.Abs(f2 - dot) <= 1e-4 * (1 + Math.Abs(dot)), $"SumAndDotDiff dot n={n}");
            var dst = new float[n];
            NormMath.GradInput(g, x, mean, a, b, c, dst);
            for (int i = 0; i < n; i++)
                Assert.True(Math.Abs(dst[i] - (g[i] * (double)a + (x[i] - (double)mean) * b + c)) <= 1e-5, $"GradInput n={n} i={i}");
            NormMath.GradInput(g, x, mean, a, b, c, g); // in place
            for (int i = 0; i < n; i++) Assert.Equal(dst[i], g[i]);
        }
    }
}
