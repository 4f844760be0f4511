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

    // 1-7 rows: each 8-column tile is copied into an 8x8 block with zero rows below, transposed there, and its rows
    // written with the first `rows` lanes only (Avx.MaskStore), so nothing outside the destination block is touched.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void FewRows(float* src, int lds, float* dst, int ldd, int rows, int cols)
    {
        Vector256<float> mask;
        fixed (float* m = LaneMasks) mask = Avx.LoadVector256(m + 8 - rows);   // lanes 0 .. rows-1 selected (AVX only)
        float* tile = stackalloc float[64], t = stackalloc float[64];
        new Span<float>(tile, 64).Clear();
        int c = 0;
        for (; c + 8 <= cols; c += 8)
        {
            for (int r = 0; r < rows; r++) Avx.Store(tile + r * 8, Avx.LoadVector256(src + (nint)r * lds + c));
            Gemm.Transpose8x8(tile, 8, t, 8);
            for (int j = 0; j < 8; j++) Avx.MaskStore(dst + (nint)(c + j) * ldd, mask, Avx.LoadVector256(t + j * 8));
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
