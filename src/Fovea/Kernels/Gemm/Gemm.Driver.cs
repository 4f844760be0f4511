using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Fovea.Kernels;

// The blocking loops, packing, edge tiles, epilogue and thread split, written once over the micro-kernel type.
public static unsafe partial class Gemm
{
    /// <summary>A register-tiled micro-kernel: C[0..MR, 0..NR] (row stride ldc) = alpha·Σ_p a[p]ᵀ·b[p] + beta·C, where
    /// a is a packed MR-tall strip (kc steps of MR values) and b an NR-wide strip whose k steps are ldb floats apart
    /// (NR when packed, B's row stride when read in place). beta = 0 must not read C.</summary>
    internal interface IGemmKernel
    {
        static abstract int MR { get; }
        static abstract int NR { get; }
        static abstract bool IsSupported { get; }
        static abstract void Tile(int kc, float* a, float* b, nint ldb, float* c, nint ldc, float alpha, float beta);
    }

    /// <summary>A micro-kernel (V512 is the 14×32 shape), or Auto: <see cref="Choose"/> picks one per call.</summary>
    internal enum KernelKind { Auto, Scalar, V128, V256, V512, V512x6x64, V512x8x48 }

    /// <summary>The kernel family this machine runs, chosen once from the hardware (V512 stands for all three AVX-512 shapes).</summary>
    internal static readonly KernelKind Hardware =
        Vector512.IsHardwareAccelerated ? KernelKind.V512
        : Vector256.IsHardwareAccelerated ? KernelKind.V256
        : Vector128.IsHardwareAccelerated ? KernelKind.V128
        : KernelKind.Scalar;

    /// <summary>What every public call (and other kernels calling <see cref="Execute"/>) passes: the best kernel of the
    /// <see cref="Hardware"/> family for each call's shape.</summary>
    internal const KernelKind Selected = KernelKind.Auto;

    /// <summary>
    /// The micro-kernel for an m×n product. With AVX-512 the three tile shapes run at about the same speed on large
    /// squares, but edge tiles (computed in full, then merged) cost up to one tile row or column: the shape that pads C
    /// least wins, ties going to 6×64, then 14×32 (bench/NOTES.md). Every shape sums each element of C in the same
    /// order, so the choice never changes a result.
    /// </summary>
    internal static KernelKind Choose(int m, int n)
    {
        if (Hardware != KernelKind.V512) return Hardware;
        long a6 = Padded(m, n, 6, 64), a14 = Padded(m, n, 14, 32), a8 = Padded(m, n, 8, 48);
        return a6 <= a14 && a6 <= a8 ? KernelKind.V512x6x64 : a14 <= a8 ? KernelKind.V512 : KernelKind.V512x8x48;

        static long Padded(int m, int n, int mr, int nr) => (long)((m + mr - 1) / mr * mr) * ((n + nr - 1) / nr * nr);
    }

    internal static bool IsSupported(KernelKind kind) => kind switch
    {
        KernelKind.Auto => true,
        KernelKind.V512 or KernelKind.V512x6x64 or KernelKind.V512x8x48 => Vector512.IsHardwareAccelerated,
        KernelKind.V256 => Vector256.IsHardwareAccelerated,
        KernelKind.V128 => Vector128.IsHardwareAccelerated,
        _ => true,
    };

    // Block sizes (upper bounds; rounded to whole tiles and balanced per call). Tuned on Zen 5 (48 KB L1d, 1 MB L2):
    // see bench/NOTES.md. Internal and settable for the tuning harness only.
    internal static int Mc = 336, Kc = 384, Nc = 1024;

    /// <summary>Whether a row-major B is read in place (not packed) when the rows of C fit one row block: each B strip
    /// is then used by one pass only, and packing it would cost a full extra copy of B (see bench/NOTES.md).</summary>
    internal static bool DirectB = true;

    /// <summary>Below this many flops (2mnk, about a 100³ product) a call stays on the calling thread (<c>tune small</c>: a
    /// forced 2-way split already gains at 48³ when the worker is awake; when it sleeps the caller simply runs both chunks).</summary>
    internal const double ParallelMinFlops = 2e6;

    internal readonly struct Args(bool transA, bool transB, int m, int n, int k, float alpha, float* a, int lda, float* b, int ldb,
        float beta, float* c, int ldc, float* biasRow, float* biasCol, GemmActivation act)
    {
        public readonly bool TransA = transA, TransB = transB;
        public readonly int M = m, N = n, K = k, Lda = lda, Ldb = ldb, Ldc = ldc;
        public readonly float Alpha = alpha, Beta = beta;
        public readonly float* A = a, B = b, C = c, BiasRow = biasRow, BiasCol = biasCol;
        public readonly GemmActivation Act = act;
        public bool HasEpilogue => BiasRow != null || BiasCol != null || Act != GemmActivation.None;

        public Args WithMatrices(float* a, float* b, float* c) =>
            new(TransA, TransB, M, N, K, Alpha, a, Lda, b, Ldb, Beta, c, Ldc, BiasRow, BiasCol, Act);
    }

    /// <summary>The product with an explicit micro-kernel and thread count; <paramref name="minFlops"/> lets tests split small problems.</summary>
    internal static void Execute(in Args p, KernelKind kind, int threads, double minFlops = ParallelMinFlops)
    {
        switch (kind == KernelKind.Auto ? Choose(p.M, p.N) : kind)
        {
            case KernelKind.V512: Execute<K512x14x32>(p, threads, minFlops); break;
            case KernelKind.V512x6x64: Execute<K512x6x64>(p, threads, minFlops); break;
            case KernelKind.V512x8x48: Execute<K512x8x48>(p, threads, minFlops); break;
            case KernelKind.V256: Execute<K256x6x16>(p, threads, minFlops); break;
            case KernelKind.V128: Execute<K128x6x8>(p, threads, minFlops); break;
            default: Execute<KScalar4x4>(p, threads, minFlops); break;
        }
    }

    internal static void ExecuteBatched(in Args p, int strideA, int strideB, int strideC, int batchCount, KernelKind kind, int threads)
    {
        switch (kind == KernelKind.Auto ? Choose(p.M, p.N) : kind)
        {
            case KernelKind.V512: ExecuteBatched<K512x14x32>(p, strideA, strideB, strideC, batchCount, threads); break;
            case KernelKind.V512x6x64: ExecuteBatched<K512x6x64>(p, strideA, strideB, strideC, batchCount, threads); break;
            case KernelKind.V512x8x48: ExecuteBatched<K512x8x48>(p, strideA, strideB, strideC, batchCount, threads); break;
            case KernelKind.V256: ExecuteBatched<K256x6x16>(p, strideA, strideB, strideC, batchCount, threads); break;
            case KernelKind.V128: ExecuteBatched<K128x6x8>(p, strideA, strideB, strideC, batchCount, threads); break;
            default: ExecuteBatched<KScalar4x4>(p, strideA, strideB, strideC, batchCount, threads); break;
        }
    }

    static double Flops(in Args p) => 2.0 * p.M * p.N * p.K;

    static void Execute<K>(in Args p, int threads, double minFlops) where K : struct, IGemmKernel
    {
        if (p.K == 0) { ScaleOnly(p); return; }
        if (threads <= 1 || Flops(p) < minFlops) { Block<K>(p, 0, p.M, 0, p.N); return; }
        // Each chunk packs its own panels, so chunks share nothing but the inputs: cut the side that leaves each chunk
        // less to pack (rows: its share of A once per column block, all of B; columns: all of A once per column
        // block of its share, its share of B), ties going to the longer side. At 2048³ on 2 threads cutting columns
        // packs a quarter less and measured 2-3% faster (bench/NOTES.md).
        bool splitRows = ForceSplit == 0 ? SplitRows(p, threads) : ForceSplit == 1;
        int tiles = splitRows ? (p.M + K.MR - 1) / K.MR : (p.N + K.NR - 1) / K.NR;
        int chunks = Math.Min(threads, tiles);
        if (chunks <= 1) { Block<K>(p, 0, p.M, 0, p.N); return; }
        Parallelism.For(chunks, new SplitChunk<K>(p, splitRows, tiles, chunks));
    }

    static bool SplitRows(in Args p, int threads)
    {
        double k = p.K;
        double rows = p.M / (double)threads * k * ColumnBlocks(p.N) + k * p.N;
        double cols = p.M * k * ColumnBlocks((p.N + threads - 1) / threads) + k * p.N / threads;
        return rows != cols ? rows < cols : p.M >= p.N;

        static double ColumnBlocks(int n) => Math.Ceiling((double)n / Nc);
    }

    readonly struct SplitChunk<K>(Args p, bool splitRows, int tiles, int chunks) : Parallelism.IChunk where K : struct, IGemmKernel
    {
        public void Run(int index)
        {
            int t0 = (int)((long)tiles * index / chunks), t1 = (int)((long)tiles * (index + 1) / chunks);
            if (splitRows) Block<K>(p, t0 * K.MR, Math.Min(p.M, t1 * K.MR), 0, p.N);
            else Block<K>(p, 0, p.M, t0 * K.NR, Math.Min(p.N, t1 * K.NR));
        }
    }

    static void ExecuteBatched<K>(in Args p, int strideA, int strideB, int strideC, int batchCount, int threads) where K : struct, IGemmKernel
    {
        bool small = Flops(p) < ParallelMinFlops;
        if (threads > 1 && batchCount > 1 && small && Flops(p) * batchCount >= ParallelMinFlops)
        {
            Parallelism.For(Math.Min(threads, batchCount), new BatchChunk<K>(p, strideA, strideB, strideC, batchCount, Math.Min(threads, batchCount)));
            return;
        }
        for (int t = 0; t < batchCount; t++)
            Execute<K>(p.WithMatrices(p.A + (long)t * strideA, p.B + (long)t * strideB, p.C + (long)t * strideC), threads, ParallelMinFlops);
    }

    readonly struct BatchChunk<K>(Args p, int strideA, int strideB, int strideC, int batchCount, int chunks) : Parallelism.IChunk
        where K : struct, IGemmKernel
    {
        public void Run(int index)
        {
            int t0 = (int)((long)batchCount * index / chunks), t1 = (int)((long)batchCount * (index + 1) / chunks);
            for (int t = t0; t < t1; t++)
                Execute<K>(p.WithMatrices(p.A + (long)t * strideA, p.B + (long)t * strideB, p.C + (long)t * strideC), 1, ParallelMinFlops);
        }
    }

    /// <summary>Splits <paramref name="total"/> into equal blocks of at most <paramref name="max"/> (rounded up to
    /// <paramref name="unit"/>), so that the last block is not a sliver.</summary>
    static int Balanced(int total, int max, int unit)
    {
        max = Math.Max(unit, max / unit * unit);
        int blocks = (total + max - 1) / max;
        int size = (total + blocks - 1) / blocks;
        return (size + unit - 1) / unit * unit;
    }

    /// <summary>The single-threaded blocked product for rows [i0, i1) and columns [j0, j1) of C.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Block<K>(in Args p, int i0, int i1, int j0, int j1) where K : struct, IGemmKernel
    {
        int MR = K.MR, NR = K.NR;
        int kc = Balanced(p.K, Kc, 1), mc = Balanced(i1 - i0, Mc, MR), nc = Balanced(j1 - j0, Nc, NR);
        float* bufA = PackBuffer(ref packA, mc * kc);
        float* bufB = PackBuffer(ref packB, kc * nc);
        float* tmp = stackalloc float[MR * NR];
        bool directB = DirectB && !p.TransB && i1 - i0 <= mc;
        for (int jc = j0; jc < j1; jc += nc)
        {
            int nb = Math.Min(nc, j1 - jc);
            for (int pc = 0; pc < p.K; pc += kc)
            {
                int kb = Math.Min(kc, p.K - pc);
                if (!directB) PackB<K>(p, pc, kb, jc, nb, bufB);
                for (int ic = i0; ic < i1; ic += mc)
                    RowBlock<K>(p, ic, Math.Min(mc, i1 - ic), pc, kb, jc, nb, bufA, bufB, directB, tmp);
            }
        }
    }

    /// <summary>Rows [ic, ic+mb) x columns [jc, jc+nb) of C for the k block [pc, pc+kb): packs that block of A into bufA
    /// and runs the micro-kernel over it and B's packed panel bufB (or, with directB, B's rows in place); beta is the
    /// caller's for the first k block, 1 after; the epilogue runs after the last.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void RowBlock<K>(in Args p, int ic, int mb, int pc, int kb, int jc, int nb, float* bufA, float* bufB, bool directB, float* tmp)
        where K : struct, IGemmKernel
    {
        int MR = K.MR, NR = K.NR;
        nint ldc = p.Ldc, ldb = p.Ldb;
        float beta = pc == 0 ? p.Beta : 1f;
        bool last = pc + kb == p.K, epilogue = p.HasEpilogue;
        PackA<K>(p, ic, mb, pc, kb, bufA);
        bool prefetchC = (long)mb * nb * sizeof(float) > PrefetchCBytes;
        for (int jr = 0; jr < nb; jr += NR)
        {
            int nr = Math.Min(NR, nb - jr);
            float* bp = bufB + (nint)jr * kb;
            nint bStep = NR;
            if (directB)
            {
                if (nr == NR) { bp = p.B + pc * ldb + jc + jr; bStep = ldb; }
                else { bp = bufB; PackB<K>(p, pc, kb, jc + jr, nr, bufB); } // edge strip: zero-padded copy
            }
            for (int ir = 0; ir < mb; ir += MR)
            {
                int mr = Math.Min(MR, mb - ir);
                float* ap = bufA + (nint)ir * kb;
                float* cp = p.C + (nint)(ic + ir) * ldc + jc + jr;
                if (prefetchC) PrefetchTile(cp, ldc, mr, nr);
                if (mr == MR && nr == NR) K.Tile(kb, ap, bp, bStep, cp, ldc, p.Alpha, beta);
                else
                {
                    K.Tile(kb, ap, bp, bStep, tmp, NR, 1f, 0f);
                    Merge(tmp, NR, cp, ldc, mr, nr, p.Alpha, beta);
                }
                if (last && epilogue) Epilogue(p, cp, ic + ir, jc + jr, mr, nr);
            }
        }
    }

    /// <summary>Above this many bytes of C per (row block, column block) pass, C no longer stays in L2 from one k block
    /// to the next, and each tile asks for its C lines before its k loop (thousands of cycles, enough to hide an L3
    /// access); below it the prefetches only cost (bench/NOTES.md, `tune align`). Settable for the tuning harness.</summary>
    internal static long PrefetchCBytes = 1 << 20;

    /// <summary>For the tuning harness (`tune split`): 1 cuts rows, 2 columns, 0 lets <see cref="SplitRows"/> choose.</summary>
    internal static int ForceSplit;

    /// <summary>Prefetches the rows × cols tile of C (row stride ldc) into L1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void PrefetchTile(float* c, nint ldc, int rows, int cols)
    {
        if (!Sse.IsSupported) return;
        for (int r = 0; r < rows; r++, c += ldc)
        {
            for (int j = 0; j < cols; j += 16) Sse.Prefetch0(c + j);
            Sse.Prefetch0(c + cols - 1);
        }
    }

    /// <summary>Packs op(B)[pc..pc+kb, jc..jc+nb] into NR-wide strips (kb rows of NR values each), zero-padded.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void PackB<K>(in Args p, int pc, int kb, int jc, int nb, float* dst) where K : struct, IGemmKernel
    {
        int NR = K.NR;
        nint ldb = p.Ldb;
        for (int jr = 0; jr < nb; jr += NR, dst += (nint)kb * NR)
        {
            int w = Math.Min(NR, nb - jr);
            if (!p.TransB)
            {
                float* src = p.B + pc * ldb + jc + jr;
                if (w == NR)
                    for (int q = 0; q < kb; q++) Unsafe.CopyBlockUnaligned(dst + q * NR, src + q * ldb, (uint)(K.NR * sizeof(float)));
                else
                    for (int q = 0; q < kb; q++)
                    {
                        float* d = dst + q * NR, s = src + q * ldb;
                        int j = 0;
                        for (; j < w; j++) d[j] = s[j];
                        for (; j < NR; j++) d[j] = 0;
                    }
            }
            else PackTransposed(p.B + (jc + jr) * ldb + pc, ldb, w, kb, dst, NR); // stored n×k: strip column j is a row of B
        }
    }

    /// <summary>Packs op(A)[ic..ic+mb, pc..pc+kb] into MR-tall strips (kb steps of MR values each), zero-padded.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void PackA<K>(in Args p, int ic, int mb, int pc, int kb, float* dst) where K : struct, IGemmKernel
    {
        int MR = K.MR;
        nint lda = p.Lda;
        for (int ir = 0; ir < mb; ir += MR, dst += (nint)kb * MR)
        {
            int h = Math.Min(MR, mb - ir);
            if (p.TransA)
            {
                // Stored k×m: one k step of the strip is MR consecutive values of a row.
                float* src = p.A + pc * lda + ic + ir;
                if (h == MR)
                    for (int q = 0; q < kb; q++) Unsafe.CopyBlockUnaligned(dst + q * MR, src + q * lda, (uint)(K.MR * sizeof(float)));
                else
                    for (int q = 0; q < kb; q++)
                    {
                        float* d = dst + q * MR, s = src + q * lda;
                        int r = 0;
                        for (; r < h; r++) d[r] = s[r];
                        for (; r < MR; r++) d[r] = 0;
                    }
            }
            else PackTransposed(p.A + (ic + ir) * lda + pc, lda, h, kb, dst, MR);
        }
    }

    /// <summary>dst[q·width + r] = src[r·ld + q] for r &lt; rows, 0 for rows ≤ r &lt; width, q &lt; kb: a strip whose
    /// lanes are rows of the source read along k. AVX 8×8 and SSE 4×4 transposes where available (rows are covered by
    /// groups of 8 or 4, the last group overlapping the one before when rows is not a multiple), scalar otherwise.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void PackTransposed(float* src, nint ld, int rows, int kb, float* dst, int width)
    {
        int q = 0;
        if (Avx.IsSupported && rows >= 8)
        {
            for (; q <= kb - 8; q += 8)
            {
                float* d = dst + q * width;
                for (int r0 = 0; r0 < rows; r0 += 8)
                {
                    int r = Math.Min(r0, rows - 8);
                    Transpose8x8(src + r * ld + q, ld, d + r, width);
                }
                for (int i = 0; i < 8; i++)
                    for (int z = rows; z < width; z++) d[i * width + z] = 0;
            }
        }
        if (Sse.IsSupported && rows >= 4)
        {
            for (; q <= kb - 4; q += 4)
            {
                float* d = dst + q * width;
                for (int r0 = 0; r0 < rows; r0 += 4)
                {
                    int r = Math.Min(r0, rows - 4);
                    float* s = src + r * ld + q;
                    var x0 = Sse.LoadVector128(s);
                    var x1 = Sse.LoadVector128(s + ld);
                    var x2 = Sse.LoadVector128(s + 2 * ld);
                    var x3 = Sse.LoadVector128(s + 3 * ld);
                    var t0 = Sse.UnpackLow(x0, x1);   // a0 b0 a1 b1
                    var t1 = Sse.UnpackLow(x2, x3);   // c0 d0 c1 d1
                    var t2 = Sse.UnpackHigh(x0, x1);  // a2 b2 a3 b3
                    var t3 = Sse.UnpackHigh(x2, x3);  // c2 d2 c3 d3
                    Sse.Store(d + r, Sse.MoveLowToHigh(t0, t1));
                    Sse.Store(d + width + r, Sse.MoveHighToLow(t1, t0));
                    Sse.Store(d + 2 * width + r, Sse.MoveLowToHigh(t2, t3));
                    Sse.Store(d + 3 * width + r, Sse.MoveHighToLow(t3, t2));
                }
                for (int z = rows; z < width; z++) { d[z] = 0; d[width + z] = 0; d[2 * width + z] = 0; d[3 * width + z] = 0; }
            }
        }
        for (; q < kb; q++)
        {
            float* d = dst + q * width, s = src + q;
            int r = 0;
            for (; r < rows; r++) d[r] = s[r * ld];
            for (; r < width; r++) d[r] = 0;
        }
    }

    /// <summary>d[i·dstStride + j] = s[j·ld + i] for an 8×8 block (AVX unpack/shuffle/permute transpose).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Transpose8x8(float* s, nint ld, float* d, nint dstStride)
    {
        var r0 = Avx.LoadVector256(s); var r1 = Avx.LoadVector256(s + ld);
        var r2 = Avx.LoadVector256(s + 2 * ld); var r3 = Avx.LoadVector256(s + 3 * ld);
        var r4 = Avx.LoadVector256(s + 4 * ld); var r5 = Avx.LoadVector256(s + 5 * ld);
        var r6 = Avx.LoadVector256(s + 6 * ld); var r7 = Avx.LoadVector256(s + 7 * ld);
        var t0 = Avx.UnpackLow(r0, r1); var t1 = Avx.UnpackHigh(r0, r1);
        var t2 = Avx.UnpackLow(r2, r3); var t3 = Avx.UnpackHigh(r2, r3);
        var t4 = Avx.UnpackLow(r4, r5); var t5 = Avx.UnpackHigh(r4, r5);
        var t6 = Avx.UnpackLow(r6, r7); var t7 = Avx.UnpackHigh(r6, r7);
        var s0 = Avx.Shuffle(t0, t2, 0x44); var s1 = Avx.Shuffle(t0, t2, 0xEE);
        var s2 = Avx.Shuffle(t1, t3, 0x44); var s3 = Avx.Shuffle(t1, t3, 0xEE);
        var s4 = Avx.Shuffle(t4, t6, 0x44); var s5 = Avx.Shuffle(t4, t6, 0xEE);
        var s6 = Avx.Shuffle(t5, t7, 0x44); var s7 = Avx.Shuffle(t5, t7, 0xEE);
        Avx.Store(d, Avx.Permute2x128(s0, s4, 0x20));
        Avx.Store(d + dstStride, Avx.Permute2x128(s1, s5, 0x20));
        Avx.Store(d + 2 * dstStride, Avx.Permute2x128(s2, s6, 0x20));
        Avx.Store(d + 3 * dstStride, Avx.Permute2x128(s3, s7, 0x20));
        Avx.Store(d + 4 * dstStride, Avx.Permute2x128(s0, s4, 0x31));
        Avx.Store(d + 5 * dstStride, Avx.Permute2x128(s1, s5, 0x31));
        Avx.Store(d + 6 * dstStride, Avx.Permute2x128(s2, s6, 0x31));
        Avx.Store(d + 7 * dstStride, Avx.Permute2x128(s3, s7, 0x31));
    }

    /// <summary>C[0..mr, 0..nr] = alpha·t + beta·C for an edge tile computed into scratch t (beta = 0: C not read), rounded
    /// exactly as the micro-kernels' own store, so an element's value does not depend on whether its tile was an edge.</summary>
    static void Merge(float* t, int ldt, float* c, nint ldc, int mr, int nr, float alpha, float beta)
    {
        for (int r = 0; r < mr; r++)
        {
            float* tr = t + r * ldt, cr = c + r * ldc;
            if (beta == 0) for (int j = 0; j < nr; j++) cr[j] = alpha * tr[j];
            else for (int j = 0; j < nr; j++) cr[j] = float.MultiplyAddEstimate(alpha, tr[j], beta * cr[j]); // as the vector store
        }
    }

    /// <summary>C[r, j] = act(C[r, j] + biasRow[row0 + r] + biasCol[col0 + j]) over one tile.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Epilogue(in Args p, float* c, int row0, int col0, int rows, int cols)
    {
        float* bc = p.BiasCol == null ? null : p.BiasCol + col0;
        bool relu = p.Act == GemmActivation.Relu;
        for (int r = 0; r < rows; r++)
        {
            float* cr = c + r * (nint)p.Ldc;
            float rb = p.BiasRow == null ? 0f : p.BiasRow[row0 + r];
            int j = 0;
            if (Vector512.IsHardwareAccelerated)
            {
                var vr = Vector512.Create(rb);
                for (; j <= cols - 16; j += 16)
                {
                    var v = Vector512.Load(cr + j) + vr;
                    if (bc != null) v += Vector512.Load(bc + j);
                    if (relu) v = Vector512.Max(v, Vector512<float>.Zero);
                    v.Store(cr + j);
                }
            }
            else if (Vector256.IsHardwareAccelerated)
            {
                var vr = Vector256.Create(rb);
                for (; j <= cols - 8; j += 8)
                {
                    var v = Vector256.Load(cr + j) + vr;
                    if (bc != null) v += Vector256.Load(bc + j);
                    if (relu) v = Vector256.Max(v, Vector256<float>.Zero);
                    v.Store(cr + j);
                }
            }
            for (; j < cols; j++)
            {
                float v = cr[j] + rb;
                if (bc != null) v += bc[j];
                if (relu) v = MathF.Max(v, 0f);
                cr[j] = v;
            }
        }
    }

    /// <summary>k = 0: C = beta·C (zero when beta = 0, without reading C), then the epilogue.</summary>
    static void ScaleOnly(in Args p)
    {
        for (int i = 0; i < p.M; i++)
        {
            float* cr = p.C + (nint)i * p.Ldc;
            if (p.Beta == 0) new Span<float>(cr, p.N).Clear();
            else for (int j = 0; j < p.N; j++) cr[j] *= p.Beta;
        }
        if (p.HasEpilogue) Epilogue(p, p.C, 0, 0, p.M, p.N);
    }

    // Per-thread packing buffers, pinned and 64-byte aligned, grown on demand and reused by every later call.
    [ThreadStatic] static float[]? packA;
    [ThreadStatic] static float[]? packB;

    static float* PackBuffer(ref float[]? buffer, int count)
    {
        if (buffer is null || buffer.Length < count + 16)
            buffer = GC.AllocateUninitializedArray<float>(count + 16, pinned: true);
        nint addr = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(buffer));
        return (float*)((addr + 63) & ~(nint)63);
    }
}
