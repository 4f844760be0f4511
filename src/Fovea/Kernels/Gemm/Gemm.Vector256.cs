using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Fovea.Kernels;

// Micro-kernel shape: an MR x NR register tile of accumulators; per k step NR/lanes vector loads of B (the next k
// step is ldb floats further: NR for a packed strip, the row stride when B is read in place), one broadcast of packed A
// per row, MR*NR/lanes FMAs. C = alpha*acc + beta*C (beta == 0: C is not read).
public static unsafe partial class Gemm
{
    /// <summary>AVX2: 6x16 tile, 12 ymm accumulators (16 registers without AVX-512).</summary>
    internal readonly struct K256x6x16 : IGemmKernel
    {
        public static int MR => 6;
        public static int NR => 16;
        public static bool IsSupported => Vector256.IsHardwareAccelerated;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void Tile(int kc, float* a, float* b, nint ldb, float* c, nint ldc, float alpha, float beta)
        {
            var c0_0 = Vector256<float>.Zero; var c0_1 = Vector256<float>.Zero;
            var c1_0 = Vector256<float>.Zero; var c1_1 = Vector256<float>.Zero;
            var c2_0 = Vector256<float>.Zero; var c2_1 = Vector256<float>.Zero;
            var c3_0 = Vector256<float>.Zero; var c3_1 = Vector256<float>.Zero;
            var c4_0 = Vector256<float>.Zero; var c4_1 = Vector256<float>.Zero;
            var c5_0 = Vector256<float>.Zero; var c5_1 = Vector256<float>.Zero;
            for (int p = 0; p < kc; p++)
            {
                var b0 = Vector256.Load(b + 0);
                var b1 = Vector256.Load(b + 8);
                { var ar = Vector256.Create(a[0]); c0_0 = Vector256.MultiplyAddEstimate(ar, b0, c0_0); c0_1 = Vector256.MultiplyAddEstimate(ar, b1, c0_1); }
                { var ar = Vector256.Create(a[1]); c1_0 = Vector256.MultiplyAddEstimate(ar, b0, c1_0); c1_1 = Vector256.MultiplyAddEstimate(ar, b1, c1_1); }
                { var ar = Vector256.Create(a[2]); c2_0 = Vector256.MultiplyAddEstimate(ar, b0, c2_0); c2_1 = Vector256.MultiplyAddEstimate(ar, b1, c2_1); }
                { var ar = Vector256.Create(a[3]); c3_0 = Vector256.MultiplyAddEstimate(ar, b0, c3_0); c3_1 = Vector256.MultiplyAddEstimate(ar, b1, c3_1); }
                { var ar = Vector256.Create(a[4]); c4_0 = Vector256.MultiplyAddEstimate(ar, b0, c4_0); c4_1 = Vector256.MultiplyAddEstimate(ar, b1, c4_1); }
                { var ar = Vector256.Create(a[5]); c5_0 = Vector256.MultiplyAddEstimate(ar, b0, c5_0); c5_1 = Vector256.MultiplyAddEstimate(ar, b1, c5_1); }
                a += 6; b += ldb;
            }
            var va = Vector256.Create(alpha);
            if (beta == 0)
            {
                { float* cr = c + 0 * ldc; (va * c0_0).Store(cr + 0); (va * c0_1).Store(cr + 8); }
                { float* cr = c + 1 * ldc; (va * c1_0).Store(cr + 0); (va * c1_1).Store(cr + 8); }
                { float* cr = c + 2 * ldc; (va * c2_0).Store(cr + 0); (va * c2_1).Store(cr + 8); }
                { float* cr = c + 3 * ldc; (va * c3_0).Store(cr + 0); (va * c3_1).Store(cr + 8); }
                { float* cr = c + 4 * ldc; (va * c4_0).Store(cr + 0); (va * c4_1).Store(cr + 8); }
                { float* cr = c + 5 * ldc; (va * c5_0).Store(cr + 0); (va * c5_1).Store(cr + 8); }
            }
            else
            {
                var vb = Vector256.Create(beta);
                { float* cr = c + 0 * ldc; Vector256.MultiplyAddEstimate(va, c0_0, vb * Vector256.Load(cr + 0)).Store(cr + 0); Vector256.MultiplyAddEstimate(va, c0_1, vb * Vector256.Load(cr + 8)).Store(cr + 8); }
                { float* cr = c + 1 * ldc; Vector256.MultiplyAddEstimate(va, c1_0, vb * Vector256.Load(cr + 0)).Store(cr + 0); Vector256.MultiplyAddEstimate(va, c1_1, vb * Vector256.Load(cr + 8)).Store(cr + 8); }
                { float* cr = c + 2 * ldc; Vector256.MultiplyAddEstimate(va, c2_0, vb * Vector256.Load(cr + 0)).Store(cr + 0); Vector256.MultiplyAddEstimate(va, c2_1, vb * Vector256.Load(cr + 8)).Store(cr + 8); }
                { float* cr = c + 3 * ldc; Vector256.MultiplyAddEstimate(va, c3_0, vb * Vector256.Load(cr + 0)).Store(cr + 0); Vector256.MultiplyAddEstimate(va, c3_1, vb * Vector256.Load(cr + 8)).Store(cr + 8); }
                { float* cr = c + 4 * ldc; Vector256.MultiplyAddEstimate(va, c4_0, vb * Vector256.Load(cr + 0)).Store(cr + 0); Vector256.MultiplyAddEstimate(va, c4_1, vb * Vector256.Load(cr + 8)).Store(cr + 8); }
                { float* cr = c + 5 * ldc; Vector256.MultiplyAddEstimate(va, c5_0, vb * Vector256.Load(cr + 0)).Store(cr + 0); Vector256.MultiplyAddEstimate(va, c5_1, vb * Vector256.Load(cr + 8)).Store(cr + 8); }
            }
        }
    }
}
