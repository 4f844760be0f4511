namespace Fovea.Kernels;

/// <summary>Copies between strided N-d layouts and contiguous buffers, handing the innermost run to a span copy when it is dense.</summary>
internal static class StridedCopy
{
    /// <summary>dst (contiguous, row-major over dims) = src viewed with the given strides and offset.</summary>
    public static void Gather(float[] src, int offset, ReadOnlySpan<int> dims, ReadOnlySpan<int> strides, Span<float> dst)
    {
        int rank = dims.Length;
        if (rank == 0) { dst[0] = src[offset]; return; }
        int n = 1;
        foreach (int d in dims) n *= d;
        if (n == 0) return;
        int inner = dims[rank - 1], innerStride = strides[rank - 1];
        Span<int> idx = stackalloc int[rank];
        int pos = 0;
        int srcOff = offset;
        while (pos < n)
        {
            if (innerStride == 1) src.AsSpan(srcOff, inner).CopyTo(dst.Slice(pos, inner));
            else if (innerStride == 0) dst.Slice(pos, inner).Fill(src[srcOff]);
            else for (int i = 0, o = srcOff; i < inner; i++, o += innerStride) dst[pos + i] = src[o];
            pos += inner;
            // advance the outer index (odometer)
            for (int ax = rank - 2; ax >= 0; ax--)
            {
                idx[ax]++;
                srcOff += strides[ax];
                if (idx[ax] < dims[ax]) break;
                srcOff -= strides[ax] * dims[ax];
                idx[ax] = 0;
            }
        }
    }

    /// <summary>dst viewed with the given strides and offset = src (contiguous, row-major over dims).</summary>
    public static void Scatter(ReadOnlySpan<float> src, float[] dst, int offset, ReadOnlySpan<int> dims, ReadOnlySpan<int> strides)
    {
        int rank = dims.Length;
        if (rank == 0) { dst[offset] = src[0]; return; }
        int n = 1;
        foreach (int d in dims) n *= d;
        if (n == 0) return;
        int inner = dims[rank - 1], innerStride = strides[rank - 1];
        Span<int> idx = stackalloc int[rank];
        int pos = 0, dstOff = offset;
        while (pos < n)
        {
            if (innerStride == 1) src.Slice(pos, inner).CopyTo(dst.AsSpan(dstOff, inner));
            else for (int i = 0, o = dstOff; i < inner; i++, o += innerStride) dst[o] = src[pos + i];
            pos += inner;
            for (int ax = rank - 2; ax >= 0; ax--)
            {
                idx[ax]++;
                dstOff += strides[ax];
                if (idx[ax] < dims[ax]) break;
                dstOff -= strides[ax] * dims[ax];
                idx[ax] = 0;
            }
        }
    }
}
