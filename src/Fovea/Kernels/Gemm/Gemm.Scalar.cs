using System.Runtime.CompilerServices;

namespace Fovea.Kernels;

public static unsafe partial class Gemm
{
    /// <summary>Scalar fallback (no accelerated vectors): a 4x4 tile of plain float accumulators.</summary>
    internal readonly struct KScalar4x4 : IGemmKernel
    {
        public static int MR => 4;
        public static int NR => 4;
        public static bool IsSupported => true;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void Tile(int kc, float* a, float* b, nint ldb, float* c, nint ldc, float alpha, float beta)
        {
            float* acc = stackalloc float[16];
            for (int i = 0; i < 16; i++) acc[i] = 0;
            for (int p = 0; p < kc; p++)
            {
                for (int r = 0; r < 4; r++)
                {
                    float ar = a[r];
                    float* row = acc + r * 4;
                    row[0] += ar * b[0]; row[1] += ar * b[1]; row[2] += ar * b[2]; row[3] += ar * b[3];
                }
                a += 4; b += ldb;
            }
            for (int r = 0; r < 4; r++)
            {
                float* cr = c + r * ldc;
                for (int j = 0; j < 4; j++)
                    cr[j] = beta == 0 ? alpha * acc[r * 4 + j] : alpha * acc[r * 4 + j] + beta * cr[j];
            }
        }
    }
}
