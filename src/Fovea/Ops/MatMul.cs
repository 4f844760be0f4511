using Fovea.Kernels;

namespace Fovea;

public static partial class Ops
{
    /// <summary>
    /// Matrix product with <c>torch.matmul</c>'s rules: 1-D operands are promoted (and the added axis removed),
    /// leading batch axes broadcast. d/dA = g·Bᵀ, d/dB = Aᵀ·g (summed over broadcast batch axes).
    /// </summary>
    public static Tensor MatMul(Tensor a, Tensor b)
    {
        if (a.Rank == 0 || b.Rank == 0) throw new ShapeMismatchException($"MatMul: both operands need at least 1 axis, got {a.Shape} and {b.Shape}.");
        if (a.Rank == 1 && b.Rank == 1) return Reshape(MatMul(Reshape(a, 1, -1), Reshape(b, -1, 1)), []);
        if (a.Rank == 1) { var r = MatMul(Reshape(a, 1, -1), b); return Reshape(r, DropAxis(r.Shape, -2)); }
        if (b.Rank == 1) { var r = MatMul(a, Reshape(b, -1, 1)); return Reshape(r, DropAxis(r.Shape, -1)); }

        int m = a.Shape[-2], k = a.Shape[-1], k2 = b.Shape[-2], n = b.Shape[-1];
        if (k != k2) throw new ShapeMismatchException($"MatMul: {a.Shape} @ {b.Shape}: inner sizes differ ({k} vs {k2}).");
        var batchA = new Shape(a.Shape.Dims[..^2]);
        var batchB = new Shape(b.Shape.Dims[..^2]);
        var batch = Shape.Broadcast("MatMul (batch axes)", batchA, batchB);
        var outDims = batch.Dims.Concat(new[] { m, n }).ToArray();
        var y = Tensor.Empty(outDims);
        MatMulInto(a, b, batch, m, n, k, y);
        return Tape.Record(y, "MatMul", [a, b], g => [
            a.RequiresGrad ? MatMul(g, Transpose(b.Detach(), -1, -2)).SumTo(a.Shape) : null,
            b.RequiresGrad ? MatMul(Transpose(a.Detach(), -1, -2), g).SumTo(b.Shape) : null]);
    }

    static int[] DropAxis(Shape s, int axis)
    {
        int ax = Shape.NormAxis(axis, s.Rank, "MatMul");
        return s.Dims.Where((_, i) => i != ax).ToArray();
    }

    // Each operand's last two axes are handed to GEMM as they lie in memory when they are row- or column-major;
    // anything else is copied once.
    static void MatMulInto(Tensor a, Tensor b, Shape batch, int m, int n, int k, Tensor y)
    {
        (a, bool ta, int lda) = GemmOperand(a);
        (b, bool tb, int ldb) = GemmOperand(b);
        var aStr = BatchStrides(a, batch);
        var bStr = BatchStrides(b, batch);
        int nb = batch.Numel;
        int aSpan = ta ? (k - 1) * lda + m : (m - 1) * lda + k;
        int bSpan = tb ? (n - 1) * ldb + k : (k - 1) * ldb + n;
        if (m == 0 || n == 0) return;
        Span<int> idx = stackalloc int[Math.Max(batch.Rank, 1)];
        for (int t = 0; t < nb; t++)
        {
            int rem = t, ao = a.Offset, bo = b.Offset;
            for (int ax = batch.Rank - 1; ax >= 0; ax--)
            {
                int i = rem % batch[ax]; rem /= batch[ax];
                ao += i * aStr[ax]; bo += i * bStr[ax];
            }
            var cs = y.Storage.AsSpan(t * m * n, m * n);
            if (k == 0) { cs.Clear(); continue; }
            Gemm.Sgemm(ta, tb, m, n, k, 1f, a.Storage.AsSpan(ao, aSpan), lda, b.Storage.AsSpan(bo, bSpan), ldb, 0f, cs, n);
        }
    }

    static (Tensor t, bool trans, int ld) GemmOperand(Tensor x)
    {
        int r = x.Rank, rows = x.Shape[-2], cols = x.Shape[-1];
        int sr = x.Strides[r - 2], sc = x.Strides[r - 1];
        if ((sc == 1 || cols == 1) && sr >= cols && sr > 0) return (x, false, sr);
        if ((sr == 1 || rows == 1) && sc >= rows && sc > 0) return (x, true, sc);
        var c = ContiguousCopy(x);
        return (c, false, Math.Max(cols, 1));
    }

    static int[] BatchStrides(Tensor x, Shape batch)
    {
        int br = x.Rank - 2, lead = batch.Rank - br;
        var s = new int[batch.Rank];
        for (int i = 0; i < br; i++)
            s[lead + i] = x.Shape[i] == 1 ? 0 : x.Strides[i];
        return s;
    }
}

public partial class Tensor
{
    public Tensor MatMul(Tensor other) => Ops.MatMul(this, other);
}
