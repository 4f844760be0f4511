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
public static unsafe class ConvKernel
{
    // Below this many multiply-adds a call stays on the calling thread.
    const long ParallelMacs = 1 << 20;
    // Target size (floats) of one im2col block: output positions are tiled so the block stays in L2.
    const int ColBlockFloats = 1 << 17;

    /// <summary>y = conv(x, w) + b. <paramref name="bias"/> may be empty (no bias) or hold OutChannels values.</summary>
    public static void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> bias, Span<float> y, in ConvGeometry g)
    {
        g.CheckLengths("ConvKernel.Forward", x.Length, w.Length, y.Length);
        CheckBias("ConvKernel.Forward", bias, g);
        if (g.OutputLength == 0) return;
        if (g.IsDepthwise2d) { DepthwiseConv.Forward(x, w, bias, y, g); return; }
        fixed (float* px = x, pw = w, pb = bias, py = y)
        {
            var (outer, inner) = Plan(g.Macs, g.Batch);
            var job = new ForwardJob(g, px, pw, bias.IsEmpty ? null : pb, py, outer, inner);
            Parallelism.For(outer, job);
        }
    }

    readonly struct ForwardJob(ConvGeometry g, float* x, float* w, float* b, float* y, int chunks, int threads) : Parallelism.IChunk
    {
        public void Run(int t)
        {
            int n0 = Split(g.Batch, chunks, t), n1 = Split(g.Batch, chunks, t + 1);
            int cg = g.InPerGroup, og = g.OutPerGroup, rows = g.ColRows, p = g.OutSpatial, isp = g.InSpatial;
            bool pointwise = g.IsPointwise;
            int pb = ColBlock(rows, p);
            float[]? buf = pointwise ? null : ArrayPool<float>.Shared.Rent(rows * pb);
            try
            {
                fixed (float* col = buf)
                    for (int n = n0; n < n1; n++)
                        for (int grp = 0; grp < g.Groups; grp++)
                        {
                            float* xg = x + ((long)n * g.InChannels + grp * cg) * isp;
                            float* yg = y + ((long)n * g.OutChannels + grp * og) * p;
                            float* wg = w + (long)grp * og * rows;
                            float* bg = b == null ? null : b + grp * og;
                            if (pointwise) { Mm(false, false, og, p, rows, wg, rows, xg, p, 0f, yg, p, bg, threads); continue; }
                            var xs = new ReadOnlySpan<float>(xg, cg * isp);
                            for (int p0 = 0; p0 < p; p0 += pb)
                            {
                                int p1 = Math.Min(p, p0 + pb);
                                Im2Col.Unfold(xs, buf, g, 0, rows, p0, p1);
                                Mm(false, false, og, p1 - p0, rows, wg, rows, col, p1 - p0, 0f, yg + p0, p, bg, threads);
                            }
                        }
            }
            finally { if (buf != null) ArrayPool<float>.Shared.Return(buf); }
        }
    }

    /// <summary>dx = d(sum(conv(x, w) · dy))/dx: per group Wᵀ·dY, folded back by col2im. Overwrites dx.</summary>
    public static void BackwardInput(ReadOnlySpan<float> dy, ReadOnlySpan<float> w, Span<float> dx, in ConvGeometry g)
    {
        g.CheckLengths("ConvKernel.BackwardInput", dx.Length, w.Length, dy.Length);
        if (g.InputLength == 0) return;
        if (g.OutputLength == 0) { dx[..(int)g.InputLength].Clear(); return; }
        if (g.IsDepthwise2d) { DepthwiseConv.BackwardInput(dy, w, dx, g); return; }
        fixed (float* pdy = dy, pw = w, pdx = dx)
        {
            var (outer, inner) = Plan(g.Macs, g.Batch);
            Parallelism.For(outer, new BackwardInputJob(g, pdy, pw, pdx, outer, inner));
        }
    }

    readonly struct BackwardInputJob(ConvGeometry g, float* dy, float* w, float* dx, int chunks, int threads) : Parallelism.IChunk
    {
        public void Run(int t)
        {
            int n0 = Split(g.Batch, chunks, t), n1 = Split(g.Batch, chunks, t + 1);
            int cg = g.InPerGroup, og = g.OutPerGroup, rows = g.ColRows, p = g.OutSpatial, isp = g.InSpatial;
            bool pointwise = g.IsPointwise;
            int pb = ColBlock(rows, p);
            float[]? buf = pointwise ? null : ArrayPool<float>.Shared.Rent(rows * pb);
            try
            {
                fixed (float* col = buf)
                    for (int n = n0; n < n1; n++)
                        for (int grp = 0; grp < g.Groups; grp++)
                        {
                            float* wg = w + (long)grp * og * rows;
                            float* dyg = dy + ((long)n * g.OutChannels + grp * og) * p;
                            float* dxg = dx + ((long)n * g.InChannels + grp * cg) * isp;
                            if (pointwise) { Mm(true, false, rows, p, og, wg, rows, dyg, p, 0f, dxg, p, null, threads); continue; }
                            var dxs = new Span<float>(dxg, cg * isp);
                            dxs.Clear();
                            for (int p0 = 0; p0 < p; p0 += pb)
                            {
                                int p1 = Math.Min(p, p0 + pb);
                                Mm(true, false, rows, p1 - p0, og, wg, rows, dyg + p0, p, 0f, col, p1 - p0, null, threads);
                                Im2Col.Fold(buf, dxs, g, p0, p1);
                            }
                        }
            }
            finally { if (buf != null) ArrayPool<float>.Shared.Return(buf); }
        }
    }

    /// <summary>
    /// dw = d(sum(conv(x, w) · dy))/dw = Σ over the batch of dY·colᵀ, per group. Overwrites dw. Threads split the
    /// columns of dW (the im2col rows), so each element is summed over the batch by one thread in batch order.
    /// </summary>
    public static void BackwardWeight(ReadOnlySpan<float> dy, ReadOnlySpan<float> x, Span<float> dw, in ConvGeometry g)
    {
        g.CheckLengths("ConvKernel.BackwardWeight", x.Length, dw.Length, dy.Length);
        if (g.WeightLength == 0) return;
        if (g.OutputLength == 0) { dw[..(int)g.WeightLength].Clear(); return; }
        if (g.IsDepthwise2d) { DepthwiseConv.BackwardWeight(dy, x, dw, g); return; }
        fixed (float* pdy = dy, px = x, pdw = dw)
        {
            var (outer, inner) = Plan(g.Macs, g.ColRows / 32);
            Parallelism.For(outer, new BackwardWeightJob(g, pdy, px, pdw, outer, inner));
        }
    }

    readonly struct BackwardWeightJob(ConvGeometry g, float* dy, float* x, float* dw, int chunks, int threads) : Parallelism.IChunk
    {
        public void Run(int t)
        {
            int rows = g.ColRows;
            int r0 = Split(rows, chunks, t), r1 = Split(rows, chunks, t + 1), nr = r1 - r0;
            if (nr <= 0) return;
            int cg = g.InPerGroup, og = g.OutPerGroup, p = g.OutSpatial, isp = g.InSpatial;
            bool pointwise = g.IsPointwise;
            int pb = ColBlock(rows, p);      // from all rows, so the summation order does not depend on the split
            float[]? buf = pointwise ? null : ArrayPool<float>.Shared.Rent(nr * pb);
            try
            {
                fixed (float* col = buf)
                    for (int grp = 0; grp < g.Groups; grp++)
                    {
                        float* dwg = dw + (long)grp * og * rows + r0;
                        for (int o = 0; o < og; o++) new Span<float>(dwg + (long)o * rows, nr).Clear();
                        for (int n = 0; n < g.Batch; n++)
                        {
                            float* dyg = dy + ((long)n * g.OutChannels + grp * og) * p;
                            float* xg = x + ((long)n * g.InChannels + grp * cg) * isp;
                            if (pointwise) { Mm(false, true, og, nr, p, dyg, p, xg + (long)r0 * p, p, 1f, dwg, rows, null, threads); continue; }
                            var xs = new ReadOnlySpan<float>(xg, cg * isp);
                            for (int p0 = 0; p0 < p; p0 += pb)
                            {
                                int p1 = Math.Min(p, p0 + pb);
                                Im2Col.Unfold(xs, buf, g, r0, r1, p0, p1);
                                Mm(false, true, og, nr, p1 - p0, dyg + p0, p, col, p1 - p0, 1f, dwg, rows, null, threads);
                            }
                        }
                    }
            }
            finally { if (buf != null) ArrayPool<float>.Shared.Return(buf); }
        }
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

    // C = op(A)·op(B) + beta·C (+ bias per row) on `threads` threads.
    static void Mm(bool ta, bool tb, int m, int n, int k, float* a, int lda, float* b, int ldb, float beta, float* c, int ldc, float* biasRow, int threads)
    {
        if (m == 0 || n == 0) return;
        Gemm.Execute(new Gemm.Args(ta, tb, m, n, k, 1f, a, lda, b, ldb, beta, c, ldc, biasRow, null, GemmActivation.None), Gemm.Selected, threads);
    }

    /// <summary>Output positions per im2col block: all of them when the matrix is small, else a multiple of 32 keeping rows·block near <see cref="ColBlockFloats"/>.</summary>
    internal static int ColBlock(int rows, int positions)
    {
        if ((long)rows * positions <= ColBlockFloats) return Math.Max(positions, 1);
        int b = Math.Max(128, ColBlockFloats / Math.Max(rows, 1) / 32 * 32);
        // Balance the blocks so the last one is not a sliver.
        int count = (positions + b - 1) / b;
        return (positions + count - 1) / count;
    }

    /// <summary>
    /// How to spend <see cref="Parallelism.MaxThreads"/> on <paramref name="macs"/> multiply-adds over <paramref name="items"/>
    /// independent items: split the items (outer) when they divide well, else let GEMM split each product (inner).
    /// </summary>
    internal static (int outer, int inner) Plan(long macs, int items)
    {
        int t = Parallelism.MaxThreads;
        if (macs < ParallelMacs || t == 1) return (1, 1);
        if (items >= t && (items % t == 0 || items >= 4 * t)) return (t, 1);
        return (1, t);
    }

    /// <summary>How many threads to use for <paramref name="macs"/> multiply-adds over <paramref name="items"/> independent items (no inner split).</summary>
    internal static int Workers(long macs, int items)
    {
        if (macs < ParallelMacs || items < 2) return 1;
        return Math.Max(1, Math.Min(items, Parallelism.MaxThreads));
    }

    /// <summary>Start of chunk <paramref name="t"/> of <paramref name="parts"/> over [0, count).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int Split(int count, int parts, int t) => (int)((long)count * t / parts);
}
