using System.Runtime.Intrinsics;

namespace Fovea.Kernels;

/// <summary>
/// Single-precision matrix multiply on row-major spans: C = alpha·op(A)·op(B) + beta·C, where op(X) is X or Xᵀ.
/// A is m×k (k×m stored when transA), B is k×n (n×k stored when transB); lda, ldb, ldc are row strides.
/// </summary>
/// <remarks>
/// <para>How it runs (Goto/BLIS scheme, see bench/NOTES.md for the measurements behind each choice): the columns of C are
/// cut into blocks of at most <c>Nc</c>, k into blocks of at most <c>Kc</c> (sizes balanced so no block is a sliver) and
/// the rows into blocks of at most <c>Mc</c>. For each (column block, k block) a kc×nc panel of op(B) is packed into
/// NR-wide strips, then for each row block an mc×kc panel of op(A) into MR-tall strips (transposes happen here, no extra
/// copy), and a register-tiled micro-kernel multiplies one A strip by one B strip into an MR×NR tile of C. The micro-kernel
/// family is chosen once at start-up: <see cref="Vector512"/> (6×64, 14×32 or 8×48, whichever pads C least for the call's
/// m and n), <see cref="Vector256"/> (6×16), <see cref="Vector128"/> (6×8) or scalar (4×4). Edge tiles are computed into a
/// scratch tile and merged. A row-major B is read in place instead of packed when the rows of C fit one row block (each
/// strip is then used once). Packing buffers are per thread and reused.</para>
/// <para>beta = 0 never reads C (it may hold NaN). k = 0 gives C = beta·C (0 when beta = 0) plus the epilogue.</para>
/// <para>Threads: problems above about 2 MFLOP are cut along the longer of m and n into at most
/// <see cref="Parallelism.MaxThreads"/> chunks; every element of C is summed in the same order whatever the thread count,
/// so results are bit-identical for any thread count.</para>
/// </remarks>
public static unsafe partial class Gemm
{
    /// <summary>C = alpha·op(A)·op(B) + beta·C (see <see cref="Gemm"/>). beta = 0 does not read C.</summary>
    public static void Sgemm(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
        => Sgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, default, default, GemmActivation.None);

    /// <summary>
    /// GEMM with a fused epilogue, for convolution and linear layers:
    /// C[i,j] = act(alpha·(op(A)·op(B))[i,j] + beta·C[i,j] + biasPerRow[i] + biasPerCol[j]).
    /// Each bias is either empty (none) or has exactly m (per row, e.g. one value per output channel of a convolution
    /// whose C is channels × pixels) or n (per column, e.g. a linear layer whose C is batch × features) entries.
    /// The epilogue runs on each tile of C while it is still in L1, after its last k block.
    /// </summary>
    public static void Sgemm(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc,
        ReadOnlySpan<float> biasPerRow, ReadOnlySpan<float> biasPerCol, GemmActivation act)
    {
        if (m < 0 || n < 0 || k < 0) throw new ArgumentException($"Sgemm: negative size m={m} n={n} k={k}.");
        CheckEpilogue(m, n, biasPerRow, biasPerCol, act);
        if (m == 0 || n == 0) return;
        CheckOperand("A", transA ? k : m, transA ? m : k, a.Length, lda);
        CheckOperand("B", transB ? n : k, transB ? k : n, b.Length, ldb);
        CheckOperand("C", m, n, c.Length, ldc);
        fixed (float* pa = a, pb = b, pc = c, pr = biasPerRow, pcol = biasPerCol)
        {
            var args = new Args(transA, transB, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc,
                biasPerRow.IsEmpty ? null : pr, biasPerCol.IsEmpty ? null : pcol, act);
            Execute(args, Selected, Parallelism.MaxThreads);
        }
    }

    /// <summary>
    /// <paramref name="batchCount"/> independent products C_t = alpha·op(A_t)·op(B_t) + beta·C_t, where matrix t of each
    /// operand starts at t·stride in its span. strideA or strideB may be 0 (one matrix shared by the whole batch);
    /// C matrices must not overlap (strideC at least (m-1)·ldc + n when batchCount &gt; 1). Small matrices are spread
    /// over threads by batch, large ones are each split as in <see cref="Sgemm(bool, bool, int, int, int, float, ReadOnlySpan{float}, int, ReadOnlySpan{float}, int, float, Span{float}, int)"/>.
    /// </summary>
    public static void SgemmBatched(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, int strideA, ReadOnlySpan<float> b, int ldb, int strideB,
        float beta, Span<float> c, int ldc, int strideC, int batchCount)
    {
        if (m < 0 || n < 0 || k < 0) throw new ArgumentException($"SgemmBatched: negative size m={m} n={n} k={k}.");
        if (batchCount < 0) throw new ArgumentException($"SgemmBatched: negative batchCount {batchCount}.");
        if (strideA < 0 || strideB < 0 || strideC < 0)
            throw new ArgumentException($"SgemmBatched: negative stride (strideA={strideA}, strideB={strideB}, strideC={strideC}).");
        if (m == 0 || n == 0 || batchCount == 0) return;
        CheckBatchedOperand("A", transA ? k : m, transA ? m : k, a.Length, lda, strideA, batchCount);
        CheckBatchedOperand("B", transB ? n : k, transB ? k : n, b.Length, ldb, strideB, batchCount);
        CheckBatchedOperand("C", m, n, c.Length, ldc, strideC, batchCount);
        if (batchCount > 1 && strideC < (long)(m - 1) * ldc + n)
            throw new ArgumentException($"SgemmBatched: strideC={strideC} makes the {m}x{n} (ldc={ldc}) C matrices overlap.");
        fixed (float* pa = a, pb = b, pc = c)
        {
            var args = new Args(transA, transB, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc, null, null, GemmActivation.None);
            ExecuteBatched(args, strideA, strideB, strideC, batchCount, Selected, Parallelism.MaxThreads);
        }
    }

    static void CheckOperand(string name, int rows, int cols, int length, int ld)
    {
        if (rows == 0 || cols == 0) return;
        if (ld < cols || (long)(rows - 1) * ld + cols > length)
            throw new ArgumentException($"Sgemm: operand {name} ({rows}x{cols}, ld={ld}) does not fit in a span of {length}.");
    }

    static void CheckBatchedOperand(string name, int rows, int cols, int length, int ld, int stride, int batchCount)
    {
        if (rows == 0 || cols == 0) return;
        if (ld < cols || (long)(batchCount - 1) * stride + (long)(rows - 1) * ld + cols > length)
            throw new ArgumentException($"SgemmBatched: operand {name} ({batchCount} x {rows}x{cols}, ld={ld}, stride={stride}) does not fit in a span of {length}.");
    }

    static void CheckEpilogue(int m, int n, ReadOnlySpan<float> biasPerRow, ReadOnlySpan<float> biasPerCol, GemmActivation act)
    {
        if (!biasPerRow.IsEmpty && biasPerRow.Length != m)
            throw new ArgumentException($"Sgemm: biasPerRow has {biasPerRow.Length} entries, expected {m} (m) or none.");
        if (!biasPerCol.IsEmpty && biasPerCol.Length != n)
            throw new ArgumentException($"Sgemm: biasPerCol has {biasPerCol.Length} entries, expected {n} (n) or none.");
        if (act is not (GemmActivation.None or GemmActivation.Relu))
            throw new ArgumentException($"Sgemm: unknown activation {act}.");
    }
}
