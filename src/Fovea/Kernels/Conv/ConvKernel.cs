using System.Buffers;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace Fovea.Kernels;

/// <summary>
/// N-d convolution (cross-correlation) and its two backward passes on contiguous NC[D][H]W spans, described by a
/// <see cref="ConvGeometry"/>. Ordinary convolutions go through im2col into pooled buffers and <see cref="Gemm.Sgemm"/>;
/// a 1x1 stride-1 unpadded kernel is a plain GEMM on the input; depthwise 2-D convolutions use the direct kernel in
/// <see cref="DepthwiseConv"/>. Work is split across threads in coarse chunks; every output element is computed by
/// one thread in a fixed order, so results do not depend on the thread count.
/// </summary>
public static class ConvKernel
{
    // Below this many multiply-adds a call stays on the calling thread.
    const long ParallelMacs = 1 << 20;

    /// <summary>y = conv(x, w) + b. <paramref name="bias"/> may be empty (no bias) or hold OutChannels values.</summary>
    public static unsafe void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> bias, Span<float> y, in ConvGeometry g)
    {
        g.CheckLengths("ConvKernel.Forward", x.Length, w.Length, y.Length);
        CheckBias("ConvKernel.Forward", bias, g);
        if (g.OutputLength == 0) return;
        if (g.IsDepthwise2d) { DepthwiseConv.Forward(x, w, bias, y, g); return; }
        var geo = g;
        fixed (float* px = x, pw = w, pb = bias, py = y)
        {
            nint ix = (nint)px, iw = (nint)pw, ib = (nint)pb, iy = (nint)py;
            int hasBias = bias.Length;
            int workers = Workers(geo.Macs, geo.Batch);
            if (workers == 1) ForwardChunk(ix, iw, ib, hasBias, iy, geo, 0, geo.Batch);
            else Parallel.For(0, workers, t =>
                ForwardChunk(ix, iw, ib, hasBias, iy, geo, Split(geo.Batch, workers, t), Split(geo.Batch, workers, t + 1)));
        }
    }

    static unsafe void ForwardChunk(nint px, nint pw, nint pb, int biasLen, nint py, in ConvGeometry g, int n0, int n1)
    {
        int cg = g.InPerGroup, og = g.OutPerGroup, rows = g.ColRows, p = g.OutSpatial, isp = g.InSpatial;
        bool pointwise = g.IsPointwise;
        float[]? buf = pointwise ? null : ArrayPool<float>.Shared.Rent(rows * p);
        try
        {
            var w = new ReadOnlySpan<float>((float*)pw, (int)g.WeightLength);
            for (int n = n0; n < n1; n++)
            {
                var xn = new ReadOnlySpan<float>((float*)px + (long)n * g.InChannels * isp, g.InChannels * isp);
                var yn = new Span<float>((float*)py + (long)n * g.OutChannels * p, g.OutChannels * p);
                for (int grp = 0; grp < g.Groups; grp++)
                {
                    var xg = xn.Slice(grp * cg * isp, cg * isp);
                    ReadOnlySpan<float> col;
                    if (pointwise) col = xg;
                    else
                    {
                        Im2Col.Unfold(xg, buf, g, 0, rows);
                        col = buf.AsSpan(0, rows * p);
                    }
                    Gemm.Sgemm(false, false, og, p, rows, 1f, w.Slice(grp * og * rows, og * rows), rows, col, p, 0f, yn.Slice(grp * og * p, og * p), p);
                }
                if (biasLen > 0) AddBias(yn, new ReadOnlySpan<float>((float*)pb, biasLen), 1, g.OutChannels, p);
            }
        }
        finally { if (buf != null) ArrayPool<float>.Shared.Return(buf); }
    }

    /// <summary>dx = d(sum(conv(x, w) · dy))/dx: per group Wᵀ·dY, folded back by col2im. Overwrites dx.</summary>
    public static unsafe void BackwardInput(ReadOnlySpan<float> dy, ReadOnlySpan<float> w, Span<float> dx, in ConvGeometry g)
    {
        g.CheckLengths("ConvKernel.BackwardInput", dx.Length, w.Length, dy.Length);
        if (g.InputLength == 0) return;
        if (g.OutputLength == 0) { dx[..(int)g.InputLength].Clear(); return; }
        if (g.IsDepthwise2d) { DepthwiseConv.BackwardInput(dy, w, dx, g); return; }
        var geo = g;
        fixed (float* pdy = dy, pw = w, pdx = dx)
        {
            nint idy = (nint)pdy, iw = (nint)pw, idx = (nint)pdx;
            int workers = Workers(geo.Macs, geo.Batch);
            if (workers == 1) BackwardInputChunk(idy, iw, idx, geo, 0, geo.Batch);
            else Parallel.For(0, workers, t =>
                BackwardInputChunk(idy, iw, idx, geo, Split(geo.Batch, workers, t), Split(geo.Batch, workers, t + 1)));
        }
    }

    static unsafe void BackwardInputChunk(nint pdy, nint pw, nint pdx, in ConvGeometry g, int n0, int n1)
    {
        int cg = g.InPerGroup, og = g.OutPerGroup, rows = g.ColRows, p = g.OutSpatial, isp = g.InSpatial;
        bool pointwise = g.IsPointwise;
        float[]? buf = pointwise ? null : ArrayPool<float>.Shared.Rent(rows * p);
        try
        {
            var w = new ReadOnlySpan<float>((float*)pw, (int)g.WeightLength);
            for (int n = n0; n < n1; n++)
            {
                var dyn = new ReadOnlySpan<float>((float*)pdy + (long)n * g.OutChannels * p, g.OutChannels * p);
                var dxn = new Span<float>((float*)pdx + (long)n * g.InChannels * isp, g.InChannels * isp);
                for (int grp = 0; grp < g.Groups; grp++)
                {
                    var wg = w.Slice(grp * og * rows, og * rows);
                    var dyg = dyn.Slice(grp * og * p, og * p);
                    var dxg = dxn.Slice(grp * cg * isp, cg * isp);
                    if (pointwise)
                    {
                        Gemm.Sgemm(true, false, rows, p, og, 1f, wg, rows, dyg, p, 0f, dxg, p);
                        continue;
                    }
                    var col = buf.AsSpan(0, rows * p);
                    Gemm.Sgemm(true, false, rows, p, og, 1f, wg, rows, dyg, p, 0f, col, p);
                    dxg.Clear();
                    Im2Col.Fold(col, dxg, g);
                }
            }
        }
        finally { if (buf != null) ArrayPool<float>.Shared.Return(buf); }
    }

    /// <summary>
    /// dw = d(sum(conv(x, w) · dy))/dw = Σ over the batch of dY·colᵀ, per group. Overwrites dw. Threads split the
    /// columns of dW (the im2col rows), so each element is summed over the batch by one thread in batch order.
    /// </summary>
    public static unsafe void BackwardWeight(ReadOnlySpan<float> dy, ReadOnlySpan<float> x, Span<float> dw, in ConvGeometry g)
    {
        g.CheckLengths("ConvKernel.BackwardWeight", x.Length, dw.Length, dy.Length);
        if (g.WeightLength == 0) return;
        if (g.OutputLength == 0) { dw[..(int)g.WeightLength].Clear(); return; }
        if (g.IsDepthwise2d) { DepthwiseConv.BackwardWeight(dy, x, dw, g); return; }
        var geo = g;
        fixed (float* pdy = dy, px = x, pdw = dw)
        {
            nint idy = (nint)pdy, ix = (nint)px, idw = (nint)pdw;
            int rows = geo.ColRows;
            int workers = Workers(geo.Macs, rows / 16);
            if (workers == 1) BackwardWeightChunk(idy, ix, idw, geo, 0, rows);
            else Parallel.For(0, workers, t =>
                BackwardWeightChunk(idy, ix, idw, geo, Split(rows, workers, t), Split(rows, workers, t + 1)));
        }
    }

    static unsafe void BackwardWeightChunk(nint pdy, nint px, nint pdw, in ConvGeometry g, int r0, int r1)
    {
        if (r0 >= r1) return;
        int cg = g.InPerGroup, og = g.OutPerGroup, rows = g.ColRows, p = g.OutSpatial, isp = g.InSpatial;
        int nr = r1 - r0;
        bool pointwise = g.IsPointwise;
        float[]? buf = pointwise ? null : ArrayPool<float>.Shared.Rent(nr * p);
        try
        {
            var dw = new Span<float>((float*)pdw, (int)g.WeightLength);
            for (int grp = 0; grp < g.Groups; grp++)
            {
                var dwg = dw.Slice(grp * og * rows + r0, (og - 1) * rows + nr);
                for (int o = 0; o < og; o++) dwg.Slice(o * rows, nr).Clear();
                for (int n = 0; n < g.Batch; n++)
                {
                    var dyg = new ReadOnlySpan<float>((float*)pdy + ((long)n * g.OutChannels + grp * og) * p, og * p);
                    var xg = new ReadOnlySpan<float>((float*)px + ((long)n * g.InChannels + grp * cg) * isp, cg * isp);
                    ReadOnlySpan<float> col;
                    if (pointwise) col = xg.Slice(r0 * p, nr * p);
                    else
                    {
                        Im2Col.Unfold(xg, buf, g, r0, r1);
                        col = buf.AsSpan(0, nr * p);
                    }
                    Gemm.Sgemm(false, true, og, nr, p, 1f, dyg, p, col, p, 1f, dwg, rows);
                }
            }
        }
        finally { if (buf != null) ArrayPool<float>.Shared.Return(buf); }
    }

    /// <summary>db[o] = Σ over batch and positions of dy[n, o, ...]. Overwrites db.</summary>
    public static void BackwardBias(ReadOnlySpan<float> dy, Span<float> db, int batch, int channels, int spatial)
    {
        if (dy.Length < (long)batch * channels * spatial || db.Length < channels)
            throw new ArgumentException($"ConvKernel.BackwardBias: spans of length {dy.Length} and {db.Length} do not fit [{batch},{channels},{spatial}].");
        for (int c = 0; c < channels; c++)
        {
            double s = 0;
            for (int n = 0; n < batch; n++) s += TensorPrimitives.Sum(dy.Slice((n * channels + c) * spatial, spatial));
            db[c] = (float)s;
        }
    }

    /// <summary>y[n, c, :] += b[c] over a contiguous [batch, channels, spatial] buffer.</summary>
    public static void AddBias(Span<float> y, ReadOnlySpan<float> b, int batch, int channels, int spatial)
    {
        if (y.Length < (long)batch * channels * spatial || b.Length < channels)
            throw new ArgumentException($"ConvKernel.AddBias: spans of length {y.Length} and {b.Length} do not fit [{batch},{channels},{spatial}].");
        for (int n = 0; n < batch; n++)
            for (int c = 0; c < channels; c++)
            {
                var row = y.Slice((n * channels + c) * spatial, spatial);
                TensorPrimitives.Add(row, b[c], row);
            }
    }

    static void CheckBias(string op, ReadOnlySpan<float> bias, in ConvGeometry g)
    {
        if (bias.Length != 0 && bias.Length < g.OutChannels)
            throw new ArgumentException($"{op}: bias has {bias.Length} values, expected {g.OutChannels}.");
    }

    /// <summary>How many threads to use for <paramref name="macs"/> multiply-adds over <paramref name="items"/> independent items.</summary>
    internal static int Workers(long macs, int items)
    {
        if (macs < ParallelMacs || items < 2) return 1;
        return Math.Max(1, Math.Min(items, Environment.ProcessorCount));
    }

    /// <summary>Start of chunk <paramref name="t"/> of <paramref name="parts"/> over [0, count).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int Split(int count, int parts, int t) => (int)((long)count * t / parts);
}
