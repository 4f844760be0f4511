using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Fovea.Kernels;

/// <summary>Out-of-place transposition of a rows×cols block, in 8×8 AVX tiles where available (scalar otherwise).</summary>
public static unsafe class Transpose8
{
    // Columns per pass over the rows: an 8-row strip writes 32 bytes into each of ColumnBlock destination rows, and the
    // next strip the other half of the same cache lines, so the lines a pass writes (ColumnBlock of them) stay in L1.
    // Without the blocking a strip of a 4608-column weight wrote into 4608 lines and the next found them evicted.
    const int ColumnBlock = 64;

    /// <summary>dst[c*ldd + r] = src[r*lds + c] for r &lt; rows, c &lt; cols.</summary>
    /// <remarks>Sizes that are not multiples of 8 (a 14-pixel image row, 7 pooled positions) are covered by 8x8 tiles
    /// too: the last row strip and the last tile of a column block overlap the ones before them (writing the same
    /// values again), and fewer than 8 rows are loaded into a tile with zeros and stored with masked stores, so only
    /// narrow leftovers (fewer than 8 columns in a block) go element by element.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(float* src, int lds, float* dst, int ldd, int rows, int cols)
    {
        if (!Avx.IsSupported || rows == 0 || cols == 0) { Scalar(src, lds, dst, ldd, 0, rows, 0, cols); return; }
        if (rows < 8) { FewRows(src, lds, dst, ldd, rows, cols); return; }
        for (int c0 = 0; c0 < cols; c0 += ColumnBlock)
        {
            int c1 = Math.Min(cols, c0 + ColumnBlock);
            for (int r = 0; ; r += 8)
            {
                if (r > rows - 8) r = rows - 8;   // the last strip overlaps the one before
                int c = c0;
                for (; c + 8 <= c1; c += 8) Gemm.Transpose8x8(src + (nint)r * lds + c, lds, dst + (nint)c * ldd + r, ldd);
                if (c < c1)
                {
                    if (c1 - c0 >= 8) Gemm.Transpose8x8(src + (nint)r * lds + c1 - 8, lds, dst + (nint)(c1 - 8) * ldd + r, ldd);
                    else Scalar(src, lds, dst, ldd, r, r + 8, c, c1);
                }
                if (r == rows - 8) break;
            }
        }
    }

    // Eight selected lanes (sign bit set), then eight cleared: read from 8 - n, the first n lanes are selected.
    static readonly float[] LaneMasks = [-1f, -1f, -1f, -1f, -1f, -1f, -1f, -1f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f];

    static void Scalar(float* src, int lds, float* dst, int ldd, int r0, int r1, int c0, int c1)
    {
        for (int r = r0; r < r1; r++)
            for (int c = c0; c < c1; c++) dst[(nint)c * ldd + r] = src[(nint)r * lds + c];
    }

    // 1-7 rows: each 8-column tile is loaded with zero rows below, transposed, and its rows stored with the first `rows`
    // lanes only (Avx.MaskStore), so nothing outside the destination block is touched.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void FewRows(float* src, int lds, float* dst, int ldd, int rows, int cols)
    {
        Vector256<float> mask;
        fixed (float* m = LaneMasks) mask = Avx.LoadVector256(m + 8 - rows);   // lanes 0 .. rows-1 selected (AVX only)
        var z = Vector256<float>.Zero;
        int c = 0;
        for (; c + 8 <= cols; c += 8)
        {
            float* s = src + c;
            var r0 = Avx.LoadVector256(s);
            var r1 = rows > 1 ? Avx.LoadVector256(s + lds) : z;
            var r2 = rows > 2 ? Avx.LoadVector256(s + 2 * lds) : z;
            var r3 = rows > 3 ? Avx.LoadVector256(s + 3 * lds) : z;
            var r4 = rows > 4 ? Avx.LoadVector256(s + 4 * lds) : z;
            var r5 = rows > 5 ? Avx.LoadVector256(s + 5 * lds) : z;
            var r6 = rows > 6 ? Avx.LoadVector256(s + 6 * lds) : z;
            var t0 = Avx.UnpackLow(r0, r1); var t1 = Avx.UnpackHigh(r0, r1);
            var t2 = Avx.UnpackLow(r2, r3); var t3 = Avx.UnpackHigh(r2, r3);
            var t4 = Avx.UnpackLow(r4, r5); var t5 = Avx.UnpackHigh(r4, r5);
            var t6 = Avx.UnpackLow(r6, z); var t7 = Avx.UnpackHigh(r6, z);
            var s0 = Avx.Shuffle(t0, t2, 0x44); var s1 = Avx.Shuffle(t0, t2, 0xEE);
            var s2 = Avx.Shuffle(t1, t3, 0x44); var s3 = Avx.Shuffle(t1, t3, 0xEE);
            var s4 = Avx.Shuffle(t4, t6, 0x44); var s5 = Avx.Shuffle(t4, t6, 0xEE);
            var s6 = Avx.Shuffle(t5, t7, 0x44); var s7 = Avx.Shuffle(t5, t7, 0xEE);
            float* d = dst + (nint)c * ldd;
            Avx.MaskStore(d, mask, Avx.Permute2x128(s0, s4, 0x20));
            Avx.MaskStore(d + ldd, mask, Avx.Permute2x128(s1, s5, 0x20));
            Avx.MaskStore(d + 2 * (nint)ldd, mask, Avx.Permute2x128(s2, s6, 0x20));
            Avx.MaskStore(d + 3 * (nint)ldd, mask, Avx.Permute2x128(s3, s7, 0x20));
            Avx.MaskStore(d + 4 * (nint)ldd, mask, Avx.Permute2x128(s0, s4, 0x31));
            Avx.MaskStore(d + 5 * (nint)ldd, mask, Avx.Permute2x128(s1, s5, 0x31));
            Avx.MaskStore(d + 6 * (nint)ldd, mask, Avx.Permute2x128(s2, s6, 0x31));
            Avx.MaskStore(d + 7 * (nint)ldd, mask, Avx.Permute2x128(s3, s7, 0x31));
        }
        Scalar(src, lds, dst, ldd, 0, rows, c, cols);
    }

    // Below this many values a transposition stays on the calling thread.
    const long ParallelValues = 1 << 18;

    /// <summary>
    /// <see cref="Run"/> over the threads for large blocks (a layer's weight, transposed on every call): each thread
    /// takes a range of whole column blocks. The values moved are the same whichever thread moves them.
    /// </summary>
    public static void RunParallel(float* src, int lds, float* dst, int ldd, int rows, int cols)
    {
        int blocks = (cols + ColumnBlock - 1) / ColumnBlock;
        int parts = (long)rows * cols < ParallelValues ? 1 : Math.Min(Parallelism.MaxThreads, blocks);
        if (parts <= 1) { Run(src, lds, dst, ldd, rows, cols); return; }
        Parallelism.For(parts, new Chunk(src, lds, dst, ldd, rows, cols, blocks, parts));
    }

    readonly struct Chunk(float* src, int lds, float* dst, int ldd, int rows, int cols, int blocks, int parts) : Parallelism.IChunk
    {
        public void Run(int t)
        {
            int c0 = (int)((long)blocks * t / parts) * ColumnBlock, c1 = Math.Min(cols, (int)((long)blocks * (t + 1) / parts) * ColumnBlock);
            if (c0 < c1) Transpose8.Run(src + c0, lds, dst + (nint)c0 * ldd, ldd, rows, c1 - c0);
        }
    }
}
