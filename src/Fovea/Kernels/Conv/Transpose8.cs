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
                for (; c + 8 <= cols; c += 8) Tile(src + (nint)r * lds + c, lds, dst + (nint)c * ldd + r, ldd);
                for (; c < cols; c++)
                    for (int i = 0; i < 8; i++) dst[(nint)c * ldd + r + i] = src[(nint)(r + i) * lds + c];
            }
        }
        for (; r < rows; r++)
            for (int c = 0; c < cols; c++) dst[(nint)c * ldd + r] = src[(nint)r * lds + c];
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Tile(float* s, int ls, float* d, int ld)
    {
        var r0 = Avx.LoadVector256(s); var r1 = Avx.LoadVector256(s + ls);
        var r2 = Avx.LoadVector256(s + 2 * ls); var r3 = Avx.LoadVector256(s + 3 * ls);
        var r4 = Avx.LoadVector256(s + 4 * ls); var r5 = Avx.LoadVector256(s + 5 * ls);
        var r6 = Avx.LoadVector256(s + 6 * ls); var r7 = Avx.LoadVector256(s + 7 * ls);
        var t0 = Avx.UnpackLow(r0, r1); var t1 = Avx.UnpackHigh(r0, r1);
        var t2 = Avx.UnpackLow(r2, r3); var t3 = Avx.UnpackHigh(r2, r3);
        var t4 = Avx.UnpackLow(r4, r5); var t5 = Avx.UnpackHigh(r4, r5);
        var t6 = Avx.UnpackLow(r6, r7); var t7 = Avx.UnpackHigh(r6, r7);
        var u0 = Avx.Shuffle(t0, t2, 0x44); var u1 = Avx.Shuffle(t0, t2, 0xEE);
        var u2 = Avx.Shuffle(t1, t3, 0x44); var u3 = Avx.Shuffle(t1, t3, 0xEE);
        var u4 = Avx.Shuffle(t4, t6, 0x44); var u5 = Avx.Shuffle(t4, t6, 0xEE);
        var u6 = Avx.Shuffle(t5, t7, 0x44); var u7 = Avx.Shuffle(t5, t7, 0xEE);
        Avx.Store(d, Avx.Permute2x128(u0, u4, 0x20));
        Avx.Store(d + ld, Avx.Permute2x128(u1, u5, 0x20));
        Avx.Store(d + 2 * ld, Avx.Permute2x128(u2, u6, 0x20));
        Avx.Store(d + 3 * ld, Avx.Permute2x128(u3, u7, 0x20));
        Avx.Store(d + 4 * ld, Avx.Permute2x128(u0, u4, 0x31));
        Avx.Store(d + 5 * ld, Avx.Permute2x128(u1, u5, 0x31));
        Avx.Store(d + 6 * ld, Avx.Permute2x128(u2, u6, 0x31));
        Avx.Store(d + 7 * ld, Avx.Permute2x128(u3, u7, 0x31));
    }
}
