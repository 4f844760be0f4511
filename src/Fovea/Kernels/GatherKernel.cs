namespace Fovea.Kernels;

/// <summary>
/// torch.gather and its backward over N-d layouts: out[i₀..i_r] = x[i₀.., index[i₀..i_r] (on axis), ..i_r].
/// The index is a contiguous buffer of integers stored as floats, already validated.
/// </summary>
public static class GatherKernel
{
    /// <summary>dst (contiguous over idxDims) = x (strided) gathered along <paramref name="axis"/>.</summary>
    public static void Gather(ReadOnlySpan<float> x, int xOff, ReadOnlySpan<int> xStrides, ReadOnlySpan<float> index,
        ReadOnlySpan<int> idxDims, int axis, Span<float> dst)
    {
        int rank = idxDims.Length, total = index.Length;
        if (total == 0) return;
        Span<int> pos = stackalloc int[Math.Max(rank, 1)];
        pos.Clear();
        for (int e = 0; e < total; e++)
        {
            int off = xOff;
            for (int d = 0; d < rank; d++) off += (d == axis ? (int)index[e] : pos[d]) * xStrides[d];
            dst[e] = x[off];
            for (int d = rank - 1; d >= 0; d--) { if (++pos[d] < idxDims[d]) break; pos[d] = 0; }
        }
    }

    /// <summary>dst (contiguous, strides <paramref name="dstStrides"/>) += g scattered back along <paramref name="axis"/>.</summary>
    public static void ScatterAdd(ReadOnlySpan<float> g, ReadOnlySpan<float> index, ReadOnlySpan<int> idxDims, int axis,
        Span<float> dst, ReadOnlySpan<int> dstStrides)
    {
        int rank = idxDims.Length, total = index.Length;
        if (total == 0) return;
        Span<int> pos = stackalloc int[Math.Max(rank, 1)];
        pos.Clear();
        for (int e = 0; e < total; e++)
        {
            int off = 0;
            for (int d = 0; d < rank; d++) off += (d == axis ? (int)index[e] : pos[d]) * dstStrides[d];
            dst[off] += g[e];
            for (int d = rank - 1; d >= 0; d--) { if (++pos[d] < idxDims[d]) break; pos[d] = 0; }
        }
    }

    /// <summary>dst[o, j, :] = src[o, index[j], :] for a contiguous [outer, n, inner] source.</summary>
    public static void IndexSelect(ReadOnlySpan<float> src, int outer, int n, int inner, ReadOnlySpan<int> index, Span<float> dst)
    {
        int m = index.Length;
        for (int o = 0; o < outer; o++)
            for (int j = 0; j < m; j++)
                src.Slice((o * n + index[j]) * inner, inner).CopyTo(dst.Slice((o * m + j) * inner, inner));
    }

    /// <summary>dst[o, index[j], :] += g[o, j, :] (the backward of IndexSelect; dst zeroed by the caller).</summary>
    public static void IndexAdd(ReadOnlySpan<float> g, int outer, int n, int inner, ReadOnlySpan<int> index, Span<float> dst)
    {
        int m = index.Length;
        for (int o = 0; o < outer; o++)
            for (int j = 0; j < m; j++)
            {
                var d = dst.Slice((o * n + index[j]) * inner, inner);
                System.Numerics.Tensors.TensorPrimitives.Add(d, g.Slice((o * m + j) * inner, inner), d);
            }
    }
}
