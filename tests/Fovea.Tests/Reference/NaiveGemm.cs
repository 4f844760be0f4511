namespace Fovea.Tests.Reference;

/// <summary>The textbook triple loop with double accumulation: the reference every GEMM path is compared with.</summary>
public static class NaiveGemm
{
    /// <summary>C = act(alpha·op(A)·op(B) + beta·C + biasRow[i] + biasCol[j]); beta = 0 ignores C (NaN included).</summary>
    public static void Run(bool transA, bool transB, int m, int n, int k, float alpha, float[] a, int lda, float[] b, int ldb,
        float beta, float[] c, int ldc, float[]? biasRow = null, float[]? biasCol = null, bool relu = false)
    {
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double s = 0;
                for (int p = 0; p < k; p++)
                {
                    double av = transA ? a[p * lda + i] : a[i * lda + p];
                    double bv = transB ? b[j * ldb + p] : b[p * ldb + j];
                    s += av * bv;
                }
                double v = alpha * s;
                if (beta != 0) v += (double)beta * c[i * ldc + j];
                if (biasRow is not null) v += biasRow[i];
                if (biasCol is not null) v += biasCol[j];
                if (relu) v = Math.Max(v, 0);
                c[i * ldc + j] = (float)v;
            }
    }
}
