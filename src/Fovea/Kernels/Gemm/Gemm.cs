namespace Fovea.Kernels;

/// <summary>
/// Single-precision matrix multiply on row-major spans: C = alpha·op(A)·op(B) + beta·C, where op(X) is X or Xᵀ.
/// A is m×k (k×m stored when transA), B is k×n (n×k stored when transB); lda, ldb, ldc are row strides.
/// </summary>
public static partial class Gemm
{
    public static void Sgemm(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        if (m < 0 || n < 0 || k < 0) throw new ArgumentException($"Sgemm: negative size m={m} n={n} k={k}.");
        if (m == 0 || n == 0) return;
        CheckOperand("A", transA ? k : m, transA ? m : k, a.Length, lda);
        CheckOperand("B", transB ? n : k, transB ? k : n, b.Length, ldb);
        CheckOperand("C", m, n, c.Length, ldc);
        Reference(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    }

    static void CheckOperand(string name, int rows, int cols, int length, int ld)
    {
        if (rows == 0 || cols == 0) return;
        if (ld < cols || (long)(rows - 1) * ld + cols > length)
            throw new ArgumentException($"Sgemm: operand {name} ({rows}x{cols}, ld={ld}) does not fit in a span of {length}.");
    }

    // A plain, correct blocked loop; the packed SIMD kernel replaces it (kernels issue).
    static void Reference(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        var row = new float[n];
        for (int i = 0; i < m; i++)
        {
            Array.Clear(row);
            for (int p = 0; p < k; p++)
            {
                float av = transA ? a[p * lda + i] : a[i * lda + p];
                if (av == 0) continue;
                if (!transB)
                {
                    var br = b.Slice(p * ldb, n);
                    for (int j = 0; j < n; j++) row[j] += av * br[j];
                }
                else for (int j = 0; j < n; j++) row[j] += av * b[j * ldb + p];
            }
            var cr = c.Slice(i * ldc, n);
            if (beta == 0) for (int j = 0; j < n; j++) cr[j] = alpha * row[j];
            else for (int j = 0; j < n; j++) cr[j] = alpha * row[j] + beta * cr[j];
        }
    }
}
