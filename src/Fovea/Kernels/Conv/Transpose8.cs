using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Fovea.Kernels;

/// <summary>Out-of-place transposition of a rows×cols block, in 8×8 AVX tiles where available (scalar otherwise).</summary>
public static unsafe class Transpose8
{
    /// <summary>dst[c*ldd + r] = src[r*lds + c] for r &lt; rows, c &lt; cols.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(float* src, int lds, float* dst, int ldd, int rows, int cols)
    {
        int r = 0;
        if (Avx.IsSupported)
        {
            for (; r + 8 <= rows; r += 8)
            {
                int c = 0;
                for (; c + 8 <= cols; c += 8) Gemm.Transpose8x8(src + (nint)r * lds + c, lds, dst + (nint)c * ldd + r, ldd);
                for (; c < cols; c++)
                    for (int i = 0; i < 8; i++) dst[(nint)c * ldd + r + i] = src[(nint)(r + i) * lds + c];
            }
        }
        for (; r < rows; r++)
            for (int c = 0; c < cols; c++) dst[(nint)c * ldd + r] = src[(nint)r * lds + c];
    }
}
