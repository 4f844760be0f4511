using Fovea.Kernels;
using Fovea.Tests.Reference;

namespace Fovea.Tests.Kernels;

/// <summary>
/// Every micro-kernel this machine supports (and, through the public entry point, the one chosen at start-up) against
/// <see cref="NaiveGemm"/>: all m, n in 1..67 with a few k, random triples, all transpose combinations, padded strides
/// (padding of A and B holds NaN, so a stray read shows; padding of C holds a sentinel that must survive), alpha/beta
/// variants, beta = 0 over NaN-filled C, multi-block sizes on 1..3 threads, the fused epilogue and the batched variant.
/// </summary>
public class GemmTests
{
    static readonly Gemm.KernelKind[] Kinds = Enum.GetValues<Gemm.KernelKind>().Where(Gemm.IsSupported).ToArray();
    const float Sentinel = 12345.5f;

    sealed class Problem
    {
        public bool TA, TB;
        public int M, N, K, Lda, Ldb, Ldc;
        public float Alpha = 1, Beta;
        public float[] A = [], B = [], C0 = [];
        public float[]? BiasRow, BiasCol;
        public bool Relu;

        public override string ToString() =>
            $"m={M} n={N} k={K} transA={TA} transB={TB} lda={Lda} ldb={Ldb} ldc={Ldc} alpha={Alpha} beta={Beta}" +
            $"{(BiasRow is null ? "" : " biasRow")}{(BiasCol is null ? "" : " biasCol")}{(Relu ? " relu" : "")}";
    }

    static Problem Make(Generator g, bool ta, bool tb, int m, int n, int k, float alpha = 1, float beta = 0, int maxPad = 3)
    {
        var p = new Problem { TA = ta, TB = tb, M = m, N = n, K = k, Alpha = alpha, Beta = beta };
        p.Lda = (ta ? m : k) + g.NextInt(maxPad + 1);
        p.Ldb = (tb ? k : n) + g.NextInt(maxPad + 1);
        p.Ldc = n + g.NextInt(maxPad + 1);
        p.A = Fill(g, ta ? k : m, ta ? m : k, p.Lda, float.NaN, false);
        p.B = Fill(g, tb ? n : k, tb ? k : n, p.Ldb, float.NaN, false);
        p.C0 = Fill(g, m, n, p.Ldc, Sentinel, beta == 0);
        return p;
    }

    // rows x cols values in [-1, 1) (or NaN when nanValues) with row stride ld; the padding holds `pad`.
    static float[] Fill(Generator g, int rows, int cols, int ld, float pad, bool nanValues)
    {
        var x = new float[Math.Max(0, rows * ld)];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < ld; j++)
                x[i * ld + j] = j >= cols ? pad : nanValues ? float.NaN : 2 * g.NextFloat() - 1;
        return x;
    }

    static float[] Expected(Problem p)
    {
        var c = (float[])p.C0.Clone();
        NaiveGemm.Run(p.TA, p.TB, p.M, p.N, p.K, p.Alpha, p.A, p.Lda, p.B, p.Ldb, p.Beta, c, p.Ldc, p.BiasRow, p.BiasCol, p.Relu);
        return c;
    }

    static unsafe float[] Run(Problem p, Gemm.KernelKind kind, int threads, double minFlops = Gemm.ParallelMinFlops)
    {
        var c = (float[])p.C0.Clone();
        fixed (float* pa = p.A, pb = p.B, pc = c, br = p.BiasRow, bc = p.BiasCol)
        {
            var args = new Gemm.Args(p.TA, p.TB, p.M, p.N, p.K, p.Alpha, pa, p.Lda, pb, p.Ldb, p.Beta, pc, p.Ldc, br, bc,
                p.Relu ? GemmActivation.Relu : GemmActivation.None);
            Gemm.Execute(args, kind, threads, minFlops);
        }
        return c;
    }

    static float[] RunPublic(Problem p)
    {
        var c = (float[])p.C0.Clone();
        Gemm.Sgemm(p.TA, p.TB, p.M, p.N, p.K, p.Alpha, p.A, p.Lda, p.B, p.Ldb, p.Beta, c, p.Ldc,
            p.BiasRow, p.BiasCol, p.Relu ? GemmActivation.Relu : GemmActivation.None);
        return c;
    }

    // Float accumulation against a double reference: the error grows with k and the size of the terms.
    static void AssertClose(float[] expected, float[] actual, Problem p, string label)
    {
        float atol = 1e-5f + 3e-6f * p.K * Math.Max(1, Math.Abs(p.Alpha)), rtol = 1e-4f;
        for (int i = 0; i < expected.Length; i++)
        {
            float e = expected[i], a = actual[i];
            if (e == a || (float.IsNaN(e) && float.IsNaN(a))) continue;
            if (!(Math.Abs(e - a) <= atol + rtol * Math.Abs(e)))
                Assert.Fail($"{label} {p}: C[{i / p.Ldc},{i % p.Ldc}] expected {e:G9}, got {a:G9}");
        }
    }

    [Fact]
    public void AllSmallShapesMatchReference()
    {
        var g = new Generator(11);
        (float alpha, float beta)[] scalings = [(1, 0), (-0.5f, 1), (2, 0.25f), (1, -1)];
        for (int m = 1; m <= 67; m++)
            for (int n = 1; n <= 67; n++)
            {
                int k = (m * 31 + n * 17) % 3 switch { 0 => 1, 1 => 1 + (m + n) % 16, _ => 40 + (m * n) % 28 };
                int combo = (m + 3 * n) % 4;
                var (alpha, beta) = scalings[(m * 7 + n) % scalings.Length];
                var p = Make(g, (combo & 1) != 0, (combo & 2) != 0, m, n, k, alpha, beta);
                var expected = Expected(p);
                // Two kernels per (m, n), taking turns, so each kernel meets about 2/7 of all pairs (every edge
                // residue of its tile many times) and the class stays fast; the public entry point meets them all.
                int turn = m * 67 + n;
                foreach (var kind in new[] { Kinds[turn % Kinds.Length], Kinds[(turn + 3) % Kinds.Length] })
                    AssertClose(expected, Run(p, kind, 1), p, kind.ToString());
                AssertClose(expected, RunPublic(p), p, "public");
            }
    }

    [Fact]
    public void RandomTriplesMatchReferenceOnEveryKernelAndThreadCount()
    {
        var g = new Generator(12);
        for (int t = 0; t < 120; t++)
        {
            int m = 1 + g.NextInt(67), n = 1 + g.NextInt(67), k = 1 + g.NextInt(t % 4 == 0 ? 600 : 67);
            float beta = (t % 3) switch { 0 => 0f, 1 => 1f, _ => 0.5f };
            var p = Make(g, g.NextInt(2) == 1, g.NextInt(2) == 1, m, n, k, t % 5 == 0 ? -1.5f : 1f, beta, maxPad: 9);
            var expected = Expected(p);
            foreach (var kind in Kinds)
            {
                AssertClose(expected, Run(p, kind, 1), p, kind.ToString());
                // Forced splits into 2 and 3 chunks: the same numbers, bit for bit.
                Assert.Equal(Run(p, kind, 1), Run(p, kind, 1 + t % 2 + 1, minFlops: 0));
            }
            // The AVX-512 tile shapes (chosen per call from m and n) sum every element in the same order.
            if (Gemm.IsSupported(Gemm.KernelKind.V512))
            {
                var c14 = Run(p, Gemm.KernelKind.V512, 1);
                Assert.Equal(c14, Run(p, Gemm.KernelKind.V512x6x64, 1));
                Assert.Equal(c14, Run(p, Gemm.KernelKind.V512x8x48, 1));
            }
        }
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void LargeSizesSpanSeveralBlocksAndAgreeAcrossThreadCounts(bool ta, bool tb)
    {
        var g = new Generator(13);
        var p = Make(g, ta, tb, 300, 517, 129, 1f, 0f, maxPad: 7);
        var expected = Expected(p);
        var one = Run(p, Gemm.Selected, 1);
        AssertClose(expected, one, p, "1 thread");
        Assert.Equal(one, Run(p, Gemm.Selected, 2));
        Assert.Equal(one, Run(p, Gemm.Selected, 3));
        Assert.Equal(one, RunPublic(p));

        // Several k blocks (beta accumulation across them), several row blocks, several column blocks.
        foreach (var (m, n, k) in new[] { (350, 40, 530), (5, 2100, 270) })
        {
            var q = Make(g, ta, tb, m, n, k, 0.5f, 0.75f);
            var e = Expected(q);
            AssertClose(e, Run(q, Gemm.Selected, 1), q, "1 thread");
            AssertClose(e, Run(q, Gemm.Selected, 2, minFlops: 0), q, "2 threads");
        }
    }

    [Fact]
    public void BetaZeroNeverReadsCAndKZeroScalesC()
    {
        var g = new Generator(14);
        var p = Make(g, false, false, 20, 37, 9, 1f, 0f);
        Assert.True(float.IsNaN(p.C0[0]));
        foreach (var kind in Kinds) Assert.DoesNotContain(Run(p, kind, 1), float.IsNaN);

        var z = Make(g, false, true, 6, 5, 0, 1f, 0f);
        Assert.All(RunPublic(z).Where((_, i) => i % z.Ldc < z.N), v => Assert.Equal(0f, v));
        var s = Make(g, true, false, 6, 5, 0, 1f, 2f);
        s.BiasCol = Enumerable.Range(0, 5).Select(j => (float)j).ToArray();
        s.Relu = true;
        AssertClose(Expected(s), RunPublic(s), s, "k=0");
    }

    [Fact]
    public void FusedEpilogueAddsBiasesThenRelu()
    {
        var g = new Generator(15);
        for (int t = 0; t < 40; t++)
        {
            int m = 1 + g.NextInt(70), n = 1 + g.NextInt(70), k = 1 + g.NextInt(40);
            if (t == 0) (m, n, k) = (150, 210, 300);
            var p = Make(g, t % 2 == 1, t % 4 >= 2, m, n, k, 1f, t % 3 == 0 ? 0.5f : 0f);
            if (t % 3 != 1) p.BiasRow = Enumerable.Range(0, m).Select(_ => 2 * g.NextFloat() - 1).ToArray();
            if (t % 3 != 2) p.BiasCol = Enumerable.Range(0, n).Select(_ => 2 * g.NextFloat() - 1).ToArray();
            p.Relu = t % 2 == 0;
            var expected = Expected(p);
            foreach (var kind in Kinds) AssertClose(expected, Run(p, kind, 1), p, kind.ToString());
            AssertClose(expected, Run(p, Gemm.Selected, 2, minFlops: 0), p, "2 threads");
            AssertClose(expected, RunPublic(p), p, "public");
        }
    }

    [Theory]
    [InlineData(7, 9, 11, 5)]     // small matrices: spread over threads by batch
    [InlineData(130, 150, 90, 3)] // large matrices: each split across threads
    public void BatchedMatchesPerMatrixReference(int m, int n, int k, int batch)
    {
        var g = new Generator(16);
        foreach (bool shareB in new[] { false, true })
        {
            bool ta = shareB, tb = !shareB;
            int lda = (ta ? m : k) + 1, ldb = (tb ? k : n) + 2, ldc = n + 3;
            int sa = (ta ? k : m) * lda + 5, sb = shareB ? 0 : (tb ? n : k) * ldb, sc = m * ldc + 1;
            var a = Fill(g, 1, (batch - 1) * sa + (ta ? k : m) * lda, (batch - 1) * sa + (ta ? k : m) * lda, 0, false);
            var b = Fill(g, 1, (batch - 1) * sb + (tb ? n : k) * ldb, (batch - 1) * sb + (tb ? n : k) * ldb, 0, false);
            var c = Enumerable.Repeat(float.NaN, (batch - 1) * sc + m * ldc).ToArray();
            var expected = (float[])c.Clone();
            for (int t = 0; t < batch; t++)
            {
                var ct = new float[m * ldc];
                NaiveGemm.Run(ta, tb, m, n, k, 1.5f, a[(t * sa)..], lda, b[(t * sb)..], ldb, 0f, ct, ldc);
                for (int i = 0; i < m; i++) Array.Copy(ct, i * ldc, expected, t * sc + i * ldc, n);
            }
            Gemm.SgemmBatched(ta, tb, m, n, k, 1.5f, a, lda, sa, b, ldb, sb, 0f, c, ldc, sc, batch);
            var p = new Problem { M = m, N = n, K = k, Ldc = ldc, Alpha = 1.5f, TA = ta, TB = tb };
            AssertClose(expected, c, p, $"batched shareB={shareB}");
        }
    }

    [Fact]
    public void BadArgumentsThrowNamingTheOperand()
    {
        var x = new float[12];
        var y = new float[16];
        var e = Assert.Throws<ArgumentException>(() => Gemm.Sgemm(false, false, 3, 4, 4, 1f, x, 4, y, 4, 0f, y, 3));
        Assert.Contains("operand C", e.Message);
        e = Assert.Throws<ArgumentException>(() => Gemm.Sgemm(false, false, 3, 3, 5, 1f, x, 5, x, 3, 0f, x, 3));
        Assert.Contains("operand A", e.Message);
        e = Assert.Throws<ArgumentException>(() =>
            Gemm.Sgemm(false, false, 2, 2, 2, 1f, x, 2, x, 2, 0f, x, 2, new float[3], default, GemmActivation.None));
        Assert.Contains("biasPerRow", e.Message);
        e = Assert.Throws<ArgumentException>(() => Gemm.SgemmBatched(false, false, 2, 2, 2, 1f, x, 2, 4, x, 2, 4, 0f, x, 2, 3, 2));
        Assert.Contains("overlap", e.Message);
        Assert.Throws<ArgumentException>(() => Gemm.SgemmBatched(false, false, 2, 2, 2, 1f, x, 2, 4, x, 2, 4, 0f, x, 2, 4, 4));
        Assert.Throws<ArgumentException>(() => Parallelism.MaxThreads = 0);
    }

    [Fact]
    public void BenchHelperReportsPositiveNumbers()
    {
        var (ms, gflops) = GemmBench.Run(48, 40, 32, threads: 1, reps: 3);
        Assert.True(ms > 0 && gflops > 0, $"{ms} ms, {gflops} GFLOP/s");
    }
}
