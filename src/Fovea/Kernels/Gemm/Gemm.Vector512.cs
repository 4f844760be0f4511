using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Fovea.Kernels;

// Micro-kernel shape: an MR x NR register tile of accumulators; per k step NR/lanes vector loads of B (the next k
// step is ldb floats further: NR for a packed strip, the row stride when B is read in place), one broadcast of packed A
// per row, MR*NR/lanes FMAs. C = alpha*acc + beta*C (beta == 0: C is not read).
public static unsafe partial class Gemm
{
    /// <summary>AVX-512: 14x32 tile, 28 zmm accumulators (the one selected; see bench/NOTES.md).</summary>
    internal readonly struct K512x14x32 : IGemmKernel
    {
        public static int MR => 14;
        public static int NR => 32;
        public static bool IsSupported => Vector512.IsHardwareAccelerated;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void Tile(int kc, float* a, float* b, nint ldb, float* c, nint ldc, float alpha, float beta)
        {
            var c0_0 = Vector512<float>.Zero; var c0_1 = Vector512<float>.Zero;
            var c1_0 = Vector512<float>.Zero; var c1_1 = Vector512<float>.Zero;
            var c2_0 = Vector512<float>.Zero; var c2_1 = Vector512<float>.Zero;
            var c3_0 = Vector512<float>.Zero; var c3_1 = Vector512<float>.Zero;
            var c4_0 = Vector512<float>.Zero; var c4_1 = Vector512<float>.Zero;
            var c5_0 = Vector512<float>.Zero; var c5_1 = Vector512<float>.Zero;
            var c6_0 = Vector512<float>.Zero; var c6_1 = Vector512<float>.Zero;
            var c7_0 = Vector512<float>.Zero; var c7_1 = Vector512<float>.Zero;
            var c8_0 = Vector512<float>.Zero; var c8_1 = Vector512<float>.Zero;
            var c9_0 = Vector512<float>.Zero; var c9_1 = Vector512<float>.Zero;
            var c10_0 = Vector512<float>.Zero; var c10_1 = Vector512<float>.Zero;
            var c11_0 = Vector512<float>.Zero; var c11_1 = Vector512<float>.Zero;
            var c12_0 = Vector512<float>.Zero; var c12_1 = Vector512<float>.Zero;
            var c13_0 = Vector512<float>.Zero; var c13_1 = Vector512<float>.Zero;
            for (int p = 0; p < kc; p++)
            {
                var b0 = Vector512.Load(b + 0);
                var b1 = Vector512.Load(b + 16);
                { var ar = Vector512.Create(a[0]); c0_0 = Vector512.MultiplyAddEstimate(ar, b0, c0_0); c0_1 = Vector512.MultiplyAddEstimate(ar, b1, c0_1); }
                { var ar = Vector512.Create(a[1]); c1_0 = Vector512.MultiplyAddEstimate(ar, b0, c1_0); c1_1 = Vector512.MultiplyAddEstimate(ar, b1, c1_1); }
                { var ar = Vector512.Create(a[2]); c2_0 = Vector512.MultiplyAddEstimate(ar, b0, c2_0); c2_1 = Vector512.MultiplyAddEstimate(ar, b1, c2_1); }
                { var ar = Vector512.Create(a[3]); c3_0 = Vector512.MultiplyAddEstimate(ar, b0, c3_0); c3_1 = Vector512.MultiplyAddEstimate(ar, b1, c3_1); }
                { var ar = Vector512.Create(a[4]); c4_0 = Vector512.MultiplyAddEstimate(ar, b0, c4_0); c4_1 = Vector512.MultiplyAddEstimate(ar, b1, c4_1); }
                { var ar = Vector512.Create(a[5]); c5_0 = Vector512.MultiplyAddEstimate(ar, b0, c5_0); c5_1 = Vector512.MultiplyAddEstimate(ar, b1, c5_1); }
                { var ar = Vector512.Create(a[6]); c6_0 = Vector512.MultiplyAddEstimate(ar, b0, c6_0); c6_1 = Vector512.MultiplyAddEstimate(ar, b1, c6_1); }
                { var ar = Vector512.Create(a[7]); c7_0 = Vector512.MultiplyAddEstimate(ar, b0, c7_0); c7_1 = Vector512.MultiplyAddEstimate(ar, b1, c7_1); }
                { var ar = Vector512.Create(a[8]); c8_0 = Vector512.MultiplyAddEstimate(ar, b0, c8_0); c8_1 = Vector512.MultiplyAddEstimate(ar, b1, c8_1); }
                { var ar = Vector512.Create(a[9]); c9_0 = Vector512.MultiplyAddEstimate(ar, b0, c9_0); c9_1 = Vector512.MultiplyAddEstimate(ar, b1, c9_1); }
                { var ar = Vector512.Create(a[10]); c10_0 = Vector512.MultiplyAddEstimate(ar, b0, c10_0); c10_1 = Vector512.MultiplyAddEstimate(ar, b1, c10_1); }
                { var ar = Vector512.Create(a[11]); c11_0 = Vector512.MultiplyAddEstimate(ar, b0, c11_0); c11_1 = Vector512.MultiplyAddEstimate(ar, b1, c11_1); }
                { var ar = Vector512.Create(a[12]); c12_0 = Vector512.MultiplyAddEstimate(ar, b0, c12_0); c12_1 = Vector512.MultiplyAddEstimate(ar, b1, c12_1); }
                { var ar = Vector512.Create(a[13]); c13_0 = Vector512.MultiplyAddEstimate(ar, b0, c13_0); c13_1 = Vector512.MultiplyAddEstimate(ar, b1, c13_1); }
                a += 14; b += ldb;
            }
            var va = Vector512.Create(alpha);
            if (beta == 0)
            {
                { float* cr = c + 0 * ldc; (va * c0_0).Store(cr + 0); (va * c0_1).Store(cr + 16); }
                { float* cr = c + 1 * ldc; (va * c1_0).Store(cr + 0); (va * c1_1).Store(cr + 16); }
                { float* cr = c + 2 * ldc; (va * c2_0).Store(cr + 0); (va * c2_1).Store(cr + 16); }
                { float* cr = c + 3 * ldc; (va * c3_0).Store(cr + 0); (va * c3_1).Store(cr + 16); }
                { float* cr = c + 4 * ldc; (va * c4_0).Store(cr + 0); (va * c4_1).Store(cr + 16); }
                { float* cr = c + 5 * ldc; (va * c5_0).Store(cr + 0); (va * c5_1).Store(cr + 16); }
                { float* cr = c + 6 * ldc; (va * c6_0).Store(cr + 0); (va * c6_1).Store(cr + 16); }
                { float* cr = c + 7 * ldc; (va * c7_0).Store(cr + 0); (va * c7_1).Store(cr + 16); }
                { float* cr = c + 8 * ldc; (va * c8_0).Store(cr + 0); (va * c8_1).Store(cr + 16); }
                { float* cr = c + 9 * ldc; (va * c9_0).Store(cr + 0); (va * c9_1).Store(cr + 16); }
                { float* cr = c + 10 * ldc; (va * c10_0).Store(cr + 0); (va * c10_1).Store(cr + 16); }
                { float* cr = c + 11 * ldc; (va * c11_0).Store(cr + 0); (va * c11_1).Store(cr + 16); }
                { float* cr = c + 12 * ldc; (va * c12_0).Store(cr + 0); (va * c12_1).Store(cr + 16); }
                { float* cr = c + 13 * ldc; (va * c13_0).Store(cr + 0); (va * c13_1).Store(cr + 16); }
            }
            else
            {
                var vb = Vector512.Create(beta);
                { float* cr = c + 0 * ldc; Vector512.MultiplyAddEstimate(va, c0_0, vb * Vector512.Load(cr + 0)).Store(cr + 0); Vector512.MultiplyAddEstimate(va, c0_1, vb * Vector512.Load(cr + 16)).Store(cr + 16); }
                { float* cr = c + 1 * ldc; Vector512.MultiplyAddEstimate(va, c1_0, vb * Vector512.Load(cr + 0)).Store(cr + 0); Vector512.MultiplyAddEstimate(va, c1_1, vb * Vector512.Load(cr + 16)).Store(cr + 16); }
                { float* cr = c + 2 * ldc; Vector512.MultiplyAddEstimate(va, c2_0, vb * Vector512.Load(cr + 0)).Store(cr + 0); Vector512.MultiplyAddEstimate(va, c2_1, vb * Vector512.Load(cr + 16)).Store(cr + 16); }
                { float* cr = c + 3 * ldc; Vector512.MultiplyAddEstimate(va, c3_0, vb * Vector512.Load(cr + 0)).Store(cr + 0); Vector512.MultiplyAddEstimate(va, c3_1, vb * Vector512.Load(cr + 16)).Store(cr + 16); }
                { float* cr = c + 4 * ldc; Vector512.MultiplyAddEstimate(va, c4_0, vb * Vector512.Load(cr + 0)).Store(cr + 0); Vector512.MultiplyAddEstimate(va, c4_1, vb * Vector512.Load(cr + 16)).Store(cr + 16); }
                { float* cr = c + 5 * ldc; Vector512.MultiplyAddEstimate(va, c5_0, vb * Vector512.Load(cr + 0)).Store(cr + 0); Vector512.MultiplyAddEstimate(va, c5_1, vb * Vector512.Load(cr + 16)).Store(cr + 16); }
                { float* cr = c + 6 * ldc; Vector512.MultiplyAddEstimate(va, c6_0, vb * Vector512.Load(cr + 0)).Store(cr + 0); Vector512.MultiplyAddEstimate(va, c6_1, vb * Vector512.Load(cr + 16)).Store(cr + 16); }
                { float* cr = c + 7 * ldc; Vector512.MultiplyAddEstimate(va, c7_0, vb * Vector512.Load(cr + 0)).Store(cr + 0); Vector512.MultiplyAddEstimate(va, c7_1, vb * Vector512.Load(cr + 16)).Store(cr + 16); }
                { float* cr = c + 8 * ldc; Vector512.MultiplyAddEstimate(va, c8_0, vb * Vector512.Load(cr + 0)).Store(cr + 0); Vector512.MultiplyAddEstimate(va, c8_1, vb * Vector512.Load(cr + 16)).Store(cr + 16); }
                { float* cr = c + 9 * ldc; Vector512.MultiplyAddEstimate(va, c9_0, vb * Vector512.Load(cr + 0)).Store(cr + 0); Vector512.MultiplyAddEstimate(va, c9_1, vb * Vector512.Load(cr + 16)).Store(cr + 16); }
                { float* cr = c + 10 * ldc; Vector512.MultiplyAddEstimate(va, c10_0, vb * Vector512.Load(cr + 0)).Store(cr + 0); Vector512.MultiplyAddEstimate(va, c10_1, vb * Vector512.Load(cr + 16)).Store(cr + 16); }
                { float* cr = c + 11 * ldc; Vector512.MultiplyAddEstimate(va, c11_0, vb * Vector512.Load(cr + 0)).Store(cr + 0); Vector512.MultiplyAddEstimate(va, c11_1, vb * Vector512.Load(cr + 16)).Store(cr + 16); }
                { float* cr = c + 12 * ldc; Vector512.MultiplyAddEstimate(va, c12_0, vb * Vector512.Load(cr + 0)).Store(cr + 0); Vector512.MultiplyAddEstimate(va, c12_1, vb * Vector512.Load(cr + 16)).Store(cr + 16); }
                { float* cr = c + 13 * ldc; Vector512.MultiplyAddEstimate(va, c13_0, vb * Vector512.Load(cr + 0)).Store(cr + 0); Vector512.MultiplyAddEstimate(va, c13_1, vb * Vector512.Load(cr + 16)).Store(cr + 16); }
            }
        }
    }

    /// <summary>AVX-512: 6x64 tile, 24 zmm accumulators (measured alternative).</summary>
    internal readonly struct K512x6x64 : IGemmKernel
    {
        public static int MR => 6;
        public static int NR => 64;
        public static bool IsSupported => Vector512.IsHardwareAccelerated;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void Tile(int kc, float* a, float* b, nint ldb, float* c, nint ldc, float alpha, float beta)
        {
            var c0_0 = Vector512<float>.Zero; var c0_1 = Vector512<float>.Zero; var c0_2 = Vector512<float>.Zero; var c0_3 = Vector512<float>.Zero;
            var c1_0 = Vector512<float>.Zero; var c1_1 = Vector512<float>.Zero; var c1_2 = Vector512<float>.Zero; var c1_3 = Vector512<float>.Zero;
            var c2_0 = Vector512<float>.Zero; var c2_1 = Vector512<float>.Zero; var c2_2 = Vector512<float>.Zero; var c2_3 = Vector512<float>.Zero;
            var c3_0 = Vector512<float>.Zero; var c3_1 = Vector512<float>.Zero; var c3_2 = Vector512<float>.Zero; var c3_3 = Vector512<float>.Zero;
            var c4_0 = Vector512<float>.Zero; var c4_1 = Vector512<float>.Zero; var c4_2 = Vector512<float>.Zero; var c4_3 = Vector512<float>.Zero;
            var c5_0 = Vector512<float>.Zero; var c5_1 = Vector512<float>.Zero; var c5_2 = Vector512<float>.Zero; var c5_3 = Vector512<float>.Zero;
            for (int p = 0; p < kc; p++)
            {
                var b0 = Vector512.Load(b + 0);
                var b1 = Vector512.Load(b + 16);
                var b2 = Vector512.Load(b + 32);
                var b3 = Vector512.Load(b + 48);
                { var ar = Vector512.Create(a[0]); c0_0 = Vector512.MultiplyAddEstimate(ar, b0, c0_0); c0_1 = Vector512.MultiplyAddEstimate(ar, b1, c0_1); c0_2 = Vector512.MultiplyAddEstimate(ar, b2, c0_2); c0_3 = Vector512.MultiplyAddEstimate(ar, b3, c0_3); }
                { var ar = Vector512.Create(a[1]); c1_0 = Vector512.MultiplyAddEstimate(ar, b0, c1_0); c1_1 = Vector512.MultiplyAddEstimate(ar, b1, c1_1); c1_2 = Vector512.MultiplyAddEstimate(ar, b2, c1_2); c1_3 = Vector512.MultiplyAddEstimate(ar, b3, c1_3); }
                { var ar = Vector512.Create(a[2]); c2_0 = Vector512.MultiplyAddEstimate(ar, b0, c2_0); c2_1 = Vector512.MultiplyAddEstimate(ar, b1, c2_1); c2_2 = Vector512.MultiplyAddEstimate(ar, b2, c2_2); c2_3 = Vector512.MultiplyAddEstimate(ar, b3, c2_3); }
                { var ar = Vector512.Create(a[3]); c3_0 = Vector512.MultiplyAddEstimate(ar, b0, c3_0); c3_1 = Vector512.MultiplyAddEstimate(ar, b1, c3_1); c3_2 = Vector512.MultiplyAddEstimate(ar, b2, c3_2); c3_3 = Vector512.MultiplyAddEstimate(ar, b3, c3_3); }
                { var ar = Vector512.Create(a[4]); c4_0 = Vector512.MultiplyAddEstimate(ar, b0, c4_0); c4_1 = Vector512.MultiplyAddEstimate(ar, b1, c4_1); c4_2 = Vector512.MultiplyAddEstimate(ar, b2, c4_2); c4_3 = Vector512.MultiplyAddEstimate(ar, b3, c4_3); }
                { var ar = Vector512.Create(a[5]); c5_0 = Vector512.MultiplyAddEstimate(ar, b0, c5_0); c5_1 = Vector512.MultiplyAddEstimate(ar, b1, c5_1); c5_2 = Vector512.MultiplyAddEstimate(ar, b2, c5_2); c5_3 = Vector512.MultiplyAddEstimate(ar, b3, c5_3); }
                a += 6; b += ldb;
            }
            var va = Vector512.Create(alpha);
            if (beta == 0)
            {
                { float* cr = c + 0 * ldc; (va * c0_0).Store(cr + 0); (va * c0_1).Store(cr + 16); (va * c0_2).Store(cr + 32); (va * c0_3).Store(cr + 48); }
                { float* cr = c + 1 * ldc; (va * c1_0).Store(cr + 0); (va * c1_1).Store(cr + 16); (va * c1_2).Store(cr + 32); (va * c1_3).Store(cr + 48); }
                { float* cr = c + 2 * ldc; (va * c2_0).Store(cr + 0); (va * c2_1).Store(cr + 16); (va * c2_2).Store(cr + 32); (va * c2_3).Store(cr + 48); }
                { float* cr = c + 3 * ldc; (va * c3_0).Store(cr + 0); (va * c3_1).Store(cr + 16); (va * c3_2).Store(cr + 32); (va * c3_3).Store(cr + 48); }
                { float* cr = c + 4 * ldc; (va * c4_0).Store(cr + 0); (va * c4_1).Store(cr + 16); (va * c4_2).Store(cr + 32); (va * c4_3).Store(cr + 48); }
                { float* cr = c + 5 * ldc; (va * c5_0).Store(cr + 0); (va * c5_1).Store(cr + 16); (va * c5_2).Store(cr + 32); (va * c5_3).Store(cr + 48); }
            }
            else
            {
                var vb = Vector512.Create(beta);
                { float* cr = c + 0 * ldc; Vector512.MultiplyAddEstimate(va, c0_0, vb * Vector512.Load(cr + 0)).Store(cr + 0); Vector512.MultiplyAddEstimate(va, c0_1, vb * Vector512.Load(cr + 16)).Store(cr + 16); Vector512.MultiplyAddEstimate(va, c0_2, vb * Vector512.Load(cr + 32)).Store(cr + 32); Vector512.MultiplyAddEstimate(va, c0_3, vb * Vector512.Load(cr + 48)).Store(cr + 48); }
                { float* cr = c + 1 * ldc; Vector512.MultiplyAddEstimate(va, c1_0, vb * Vector512.Load(cr + 0)).Store(cr + 0); Vector512.MultiplyAddEstimate(va, c1_1, vb * Vector512.Load(cr + 16)).Store(cr + 16); Vector512.MultiplyAddEstimate(va, c1_2, vb * Vector512.Load(cr + 32)).Store(cr + 32); Vector512.MultiplyAddEstimate(va, c1_3, vb * Vector512.Load(cr + 48)).Store(cr + 48); }
                { float* cr = c + 2 * ldc; Vector512.MultiplyAddEstimate(va, c2_0, vb * Vector512.Load(cr + 0)).Store(cr + 0); Vector512.MultiplyAddEstimate(va, c2_1, vb * Vector512.Load(cr + 16)).Store(cr + 16); Vector512.MultiplyAddEstimate(va, c2_2, vb * Vector512.Load(cr + 32)).Store(cr + 32); Vector512.MultiplyAddEstimate(va, c2_3, vb * Vector512.Load(cr + 48)).Store(cr + 48); }
                { float* cr = c + 3 * ldc; Vector512.MultiplyAddEstimate(va, c3_0, vb * Vector512.Load(cr + 0)).Store(cr + 0); Vector512.MultiplyAddEstimate(va, c3_1, vb * Vector512.Load(cr + 16)).Store(cr + 16); Vector512.MultiplyAddEstimate(va, c3_2, vb * Vector512.Load(cr + 32)).Store(cr + 32); Vector512.MultiplyAddEstimate(va, c3_3, vb * Vector512.Load(cr + 48)).Store(cr + 48); }
                { float* cr = c + 4 * ldc; Vector512.MultiplyAddEstimate(va, c4_0, vb * Vector512.Load(cr + 0)).Store(cr + 0); Vector512.MultiplyAddEstimate(va, c4_1, vb * Vector512.Load(cr + 16)).Store(cr + 16); Vector512.MultiplyAddEstimate(va, c4_2, vb * Vector512.Load(cr + 32)).Store(cr + 32); Vector512.MultiplyAddEstimate(va, c4_3, vb * Vector512.Load(cr + 48)).Store(cr + 48); }
                { float* cr = c + 5 * ldc; Vector512.MultiplyAddEstimate(va, c5_0, vb * Vector512.Load(cr + 0)).Store(cr + 0); Vector512.MultiplyAddEstimate(va, c5_1, vb * Vector512.Load(cr + 16)).Store(cr + 16); Vector512.MultiplyAddEstimate(va, c5_2, vb * Vector512.Load(cr + 32)).Store(cr + 32); Vector512.MultiplyAddEstimate(va, c5_3, vb * Vector512.Load(cr + 48)).Store(cr + 48); }
            }
        }
    }

    /// <summary>AVX-512: 8x48 tile, 24 zmm accumulators (measured alternative).</summary>
    internal readonly struct K512x8x48 : IGemmKernel
    {
        public static int MR => 8;
        public static int NR => 48;
        public static bool IsSupported => Vector512.IsHardwareAccelerated;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void Tile(int kc, float* a, float* b, nint ldb, float* c, nint ldc, float alpha, float beta)
        {
            var c0_0 = Vector512<float>.Zero; var c0_1 = Vector512<float>.Zero; var c0_2 = Vector512<float>.Zero;
            var c1_0 = Vector512<float>.Zero; var c1_1 = Vector512<float>.Zero; var c1_2 = Vector512<float>.Zero;
            var c2_0 = Vector512<float>.Zero; var c2_1 = Vector512<float>.Zero; var c2_2 = Vector512<float>.Zero;
            var c3_0 = Vector512<float>.Zero; var c3_1 = Vector512<float>.Zero; var c3_2 = Vector512<float>.Zero;
            var c4_0 = Vector512<float>.Zero; var c4_1 = Vector512<float>.Zero; var c4_2 = Vector512<float>.Zero;
            var c5_0 = Vector512<float>.Zero; var c5_1 = Vector512<float>.Zero; var c5_2 = Vector512<float>.Zero;
            var c6_0 = Vector512<float>.Zero; var c6_1 = Vector512<float>.Zero; var c6_2 = Vector512<float>.Zero;
            var c7_0 = Vector512<float>.Zero; var c7_1 = Vector512<float>.Zero; var c7_2 = Vector512<float>.Zero;
            for (int p = 0; p < kc; p++)
            {
                var b0 = Vector512.Load(b + 0);
                var b1 = Vector512.Load(b + 16);
                var b2 = Vector512.Load(b + 32);
                { var ar = Vector512.Create(a[0]); c0_0 = Vector512.MultiplyAddEstimate(ar, b0, c0_0); c0_1 = Vector512.MultiplyAddEstimate(ar, b1, c0_1); c0_2 = Vector512.MultiplyAddEstimate(ar, b2, c0_2); }
                { var ar = Vector512.Create(a[1]); c1_0 = Vector512.MultiplyAddEstimate(ar, b0, c1_0); c1_1 = Vector512.MultiplyAddEstimate(ar, b1, c1_1); c1_2 = Vector512.MultiplyAddEstimate(ar, b2, c1_2); }
                { var ar = Vector512.Create(a[2]); c2_0 = Vector512.MultiplyAddEstimate(ar, b0, c2_0); c2_1 = Vector512.MultiplyAddEstimate(ar, b1, c2_1); c2_2 = Vector512.MultiplyAddEstimate(ar, b2, c2_2); }
                { var ar = Vector512.Create(a[3]); c3_0 = Vector512.MultiplyAddEstimate(ar, b0, c3_0); c3_1 = Vector512.MultiplyAddEstimate(ar, b1, c3_1); c3_2 = Vector512.MultiplyAddEstimate(ar, b2, c3_2); }
                { var ar = Vector512.Create(a[4]); c4_0 = Vector512.MultiplyAddEstimate(ar, b0, c4_0); c4_1 = Vector512.MultiplyAddEstimate(ar, b1, c4_1); c4_2 = Vector512.MultiplyAddEstimate(ar, b2, c4_2); }
                { var ar = Vector512.Create(a[5]); c5_0 = Vector512.MultiplyAddEstimate(ar, b0, c5_0); c5_1 = Vector512.MultiplyAddEstimate(ar, b1, c5_1); c5_2 = Vector512.MultiplyAddEstimate(ar, b2, c5_2); }
                { var ar = Vector512.Create(a[6]); c6_0 = Vector512.MultiplyAddEstimate(ar, b0, c6_0); c6_1 = Vector512.MultiplyAddEstimate(ar, b1, c6_1); c6_2 = Vector512.MultiplyAddEstimate(ar, b2, c6_2); }
                { var ar = Vector512.Create(a[7]); c7_0 = Vector512.MultiplyAddEstimate(ar, b0, c7_0); c7_1 = Vector512.MultiplyAddEstimate(ar, b1, c7_1); c7_2 = Vector512.MultiplyAddEstimate(ar, b2, c7_2); }
                a += 8; b += ldb;
            }
            var va = Vector512.Create(alpha);
            if (beta == 0)
            {
                { float* cr = c + 0 * ldc; (va * c0_0).Store(cr + 0); (va * c0_1).Store(cr + 16); (va * c0_2).Store(cr + 32); }
                { float* cr = c + 1 * ldc; (va * c1_0).Store(cr + 0); (va * c1_1).Store(cr + 16); (va * c1_2).Store(cr + 32); }
                { float* cr = c + 2 * ldc; (va * c2_0).Store(cr + 0); (va * c2_1).Store(cr + 16); (va * c2_2).Store(cr + 32); }
                { float* cr = c + 3 * ldc; (va * c3_0).Store(cr + 0); (va * c3_1).Store(cr + 16); (va * c3_2).Store(cr + 32); }
                { float* cr = c + 4 * ldc; (va * c4_0).Store(cr + 0); (va * c4_1).Store(cr + 16); (va * c4_2).Store(cr + 32); }
                { float* cr = c + 5 * ldc; (va * c5_0).Store(cr + 0); (va * c5_1).Store(cr + 16); (va * c5_2).Store(cr + 32); }
                { float* cr = c + 6 * ldc; (va * c6_0).Store(cr + 0); (va * c6_1).Store(cr + 16); (va * c6_2).Store(cr + 32); }
                { float* cr = c + 7 * ldc; (va * c7_0).Store(cr + 0); (va * c7_1).Store(cr + 16); (va * c7_2).Store(cr + 32); }
            }
            else
            {
                var vb = Vector512.Create(beta);
                { float* cr = c + 0 * ldc; Vector512.MultiplyAddEstimate(va, c0_0, vb * Vector512.Load(cr + 0)).Store(cr + 0); Vector512.MultiplyAddEstimate(va, c0_1, vb * Vector512.Load(cr + 16)).Store(cr + 16); Vector512.MultiplyAddEstimate(va, c0_2, vb * Vector512.Load(cr + 32)).Store(cr + 32); }
                { float* cr = c + 1 * ldc; Vector512.MultiplyAddEstimate(va, c1_0, vb * Vector512.Load(cr + 0)).Store(cr + 0); Vector512.MultiplyAddEstimate(va, c1_1, vb * Vector512.Load(cr + 16)).Store(cr + 16); Vector512.MultiplyAddEstimate(va, c1_2, vb * Vector512.Load(cr + 32)).Store(cr + 32); }
                { float* cr = c + 2 * ldc; Vector512.MultiplyAddEstimate(va, c2_0, vb * Vector512.Load(cr + 0)).Store(cr + 0); Vector512.MultiplyAddEstimate(va, c2_1, vb * Vector512.Load(cr + 16)).Store(cr + 16); Vector512.MultiplyAddEstimate(va, c2_2, vb * Vector512.Load(cr + 32)).Store(cr + 32); }
                { float* cr = c + 3 * ldc; Vector512.MultiplyAddEstimate(va, c3_0, vb * Vector512.Load(cr + 0)).Store(cr + 0); Vector512.MultiplyAddEstimate(va, c3_1, vb * Vector512.Load(cr + 16)).Store(cr + 16); Vector512.MultiplyAddEstimate(va, c3_2, vb * Vector512.Load(cr + 32)).Store(cr + 32); }
                { float* cr = c + 4 * ldc; Vector512.MultiplyAddEstimate(va, c4_0, vb * Vector512.Load(cr + 0)).Store(cr + 0); Vector512.MultiplyAddEstimate(va, c4_1, vb * Vector512.Load(cr + 16)).Store(cr + 16); Vector512.MultiplyAddEstimate(va, c4_2, vb * Vector512.Load(cr + 32)).Store(cr + 32); }
                { float* cr = c + 5 * ldc; Vector512.MultiplyAddEstimate(va, c5_0, vb * Vector512.Load(cr + 0)).Store(cr + 0); Vector512.MultiplyAddEstimate(va, c5_1, vb * Vector512.Load(cr + 16)).Store(cr + 16); Vector512.MultiplyAddEstimate(va, c5_2, vb * Vector512.Load(cr + 32)).Store(cr + 32); }
                { float* cr = c + 6 * ldc; Vector512.MultiplyAddEstimate(va, c6_0, vb * Vector512.Load(cr + 0)).Store(cr + 0); Vector512.MultiplyAddEstimate(va, c6_1, vb * Vector512.Load(cr + 16)).Store(cr + 16); Vector512.MultiplyAddEstimate(va, c6_2, vb * Vector512.Load(cr + 32)).Store(cr + 32); }
                { float* cr = c + 7 * ldc; Vector512.MultiplyAddEstimate(va, c7_0, vb * Vector512.Load(cr + 0)).Store(cr + 0); Vector512.MultiplyAddEstimate(va, c7_1, vb * Vector512.Load(cr + 16)).Store(cr + 16); Vector512.MultiplyAddEstimate(va, c7_2, vb * Vector512.Load(cr + 32)).Store(cr + 32); }
            }
        }
    }
}
