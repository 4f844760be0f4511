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
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(float* src, int lds, float* dst, int ldd, int rows, int cols)
    {
        int r8 = 0;
        if (Avx.IsSupported)
        {
            r8 = rows / 8 * 8;
            for (int c0 = 0; c0 < cols; c0 += ColumnBlock)
            {
                int c1 = Math.Min(cols, c0 + ColumnBlock);
                for (int r = 0; r < r8; r += 8)
                {
                    int c = c0;
                    for (; c + 8 <= c1; c += 8) Gemm.Transpose8x8(src + (nint)r * lds + c, lds, dst + (nint)c * ldd + r, ldd);
                    for (; c < c1; c++)
                        for (int i = 0; i < 8; i++) dst[(nint)c * ldd + r + i] = src[(nint)(r + i) * lds + c];
                }
            }
        }
        for (int r = r8; r < rows; r++)
            for (int c = 0; c < cols; c++) dst[(nint)c * ldd + r] = src[(nint)r * lds + c];
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
