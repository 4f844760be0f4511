using System.Buffers;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace Fovea.Kernels;

/// <summary>
/// N-d convolution (cross-correlation) and its two backward passes on contiguous NC[D][H]W spans, described by a
/// <see cref="ConvGeometry"/>:
/// <list type="bullet">
/// <item>forward: im2col blocks (pooled buffers; a large sample's positions tiled, small samples side by side) times
/// the weight, transposed once per call, in <see cref="Gemm"/> with the bias fused into its epilogue;</item>
/// <item>input gradient: Wᵀ·dY per block in GEMM, folded back by col2im;</item>
/// <item>weight gradient: Σ dY·colᵀ with col built already transposed (im2col tiles + 8x8 SIMD transposes);</item>
/// <item>special cases: a 1x1 stride-1 unpadded kernel reads the input as its own im2col matrix, at most
/// <see cref="SmallKConv.MaxRows"/> im2col rows skip GEMM (<see cref="SmallKConv"/>), depthwise 1-D/2-D convolutions
/// use the direct kernels of <see cref="DepthwiseConv"/>.</item>
/// </list>
/// Threads (<see cref="Parallelism.MaxThreads"/>) split the batch (forward, input gradient) or the weight columns
/// (weight gradient) in coarse chunks, or, when those do not divide well, each GEMM. Every output element is summed
/// by one thread in an order fixed by the geometry alone, so results are bitwise the same for any thread count.
/// </summary>
public static unsafe class ConvKernel
{
    // Below this many multiply-adds a call stays on the calling thread.
    const long ParallelMacs = 1 << 20;
    // Below this many multiply-adds a call whose items do not split evenly over the threads (a single image) stays on
    // the calling thread too: handing each product's halves to a worker costs more than it saves at that size.
    const long InnerParallelMacs = 1 << 23;
    // Below this many multiply-adds a single sample's small forward stays on the calling thread (ChannelParts).
    const long ChannelSplitMacs = 1 << 17;
    // Target size (floats) of one im2col block: output positions are tiled so the block stays in L2.
    const int ColBlockFloats = 1 << 17;
    // Columns (output positions) a product should have at least, so the packing of its A operand is amortised.
    const int TargetColumns = 512;
    // From this many output channels per group on, the forward product is computed transposed (channels on GEMM's N
    // side, whose register tile is 32 wide with AVX-512); below, the N side would be mostly padding.
    const int ChannelsOnNMin = 32;
    // Positions (the k of dY·colᵀ) per weight-gradient product.
    const int WeightK = 256;

    /// <summary>y = conv(x, w) + b. <paramref name="bias"/> may be empty (no bias) or hold OutChannels values.</summary>
    public static void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> bias, Span<float> y, in ConvGeometry g)
        => Forward(x, w, bias, y, g, GemmActivation.None);

    /// <summary>
    /// y = act(conv(x, w) + b), the activation applied while each block of y is still in cache (in GEMM's epilogue, or
    /// right after the small-kernel product of a sample); bitwise the same as the activation applied afterwards.
    /// </summary>
    public static void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> bias, Span<float> y, in ConvGeometry g, GemmActivation act)
    {
        g.CheckLengths("ConvKernel.Forward", x.Length, w.Length, y.Length);
        CheckBias("ConvKernel.Forward", bias, g);
        if (g.OutputLength == 0) return;
        if (g.IsDepthwise2d)
        {
            DepthwiseConv.Forward(x, w, bias, y, g);
            if (act == GemmActivation.Relu) { var yo = y[..(int)g.OutputLength]; ParallelMap.Unary<ReluOp>(yo, yo); }
            return;
        }
        bool small = RunsSmall(g);
        if (UsesWinograd(g, small)) { WinogradConv.Forward(x, w, bias, y, g, act); return; }
        fixed (float* py = y) ForwardJobs(x, w, bias, py, null, g, act, small);
    }

    /// <summary>
    /// pooled = 2x2 stride-2 floor-mode max pool of act(conv(x, w) + b), for 2-D convolutions (OutD = 1):
    /// <paramref name="pooled"/> holds [Batch, OutChannels, OutH/2, OutW/2]. Winograd pools each tile in its output
    /// transform; when a work unit covers whole samples, each unit's convolution output stays in a per-thread buffer
    /// (in cache) and is pooled right away; otherwise the whole output goes through one pooled scratch buffer.
    /// Bitwise the same as the three passes one after the other.
    /// </summary>
    public static void ForwardMaxPool2x2(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> bias, Span<float> pooled, in ConvGeometry g, GemmActivation act)
    {
        if (g.OutD != 1) throw new ArgumentException($"ConvKernel.ForwardMaxPool2x2: needs a 2-D convolution, got {g.OutD} output planes in depth.");
        int oh = g.OutH / 2, ow = g.OutW / 2;
        long pooledLength = (long)g.Batch * g.OutChannels * oh * ow;
        if (pooled.Length < pooledLength) throw new ArgumentException($"ConvKernel.ForwardMaxPool2x2: pooled has {pooled.Length} values, expected {pooledLength}.");
        bool small = RunsSmall(g);
        if (g.OutputLength > 0 && UsesWinograd(g, small)) { WinogradConv.ForwardMaxPool2x2(x, w, bias, pooled, g, act); return; }
        bool inJob = g.OutputLength > 0 && !g.IsDepthwise2d && (small || Units(g).perSample == 1);
        if (!inJob)
        {
            float[] scratch = ArrayPool<float>.Shared.Rent((int)Math.Max(1, g.OutputLength));
            try
            {
                var ys = scratch.AsSpan(0, (int)g.OutputLength);
                Forward(x, w, bias, ys, g, act);
                MaxPool2x2Kernel.Forward(ys, pooled, g.Batch * g.OutChannels, g.OutH, g.OutW);
            }
            finally { ArrayPool<float>.Shared.Return(scratch); }
            return;
        }
        g.CheckLengths("ConvKernel.ForwardMaxPool2x2", x.Length, w.Length, (int)g.OutputLength);
        CheckBias("ConvKernel.ForwardMaxPool2x2", bias, g);
        fixed (float* pp = pooled) ForwardJobs(x, w, bias, null, pp, g, act, small);
    }

    // The per-sample (small) or im2col + GEMM forward, into y, or max-pooled 2x2 into pooled when that is set.
    static void ForwardJobs(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> bias, float* y, float* pooled, in ConvGeometry g, GemmActivation act, bool small)
    {
        if (small)
        {
            fixed (float* px = x, pw = w, pb = bias)
            {
                int parts = ChannelParts(g);
                int outer = parts > 1 ? 1 : Plan(g.Macs, g.Batch).outer;
                Parallelism.For(outer * parts, new SmallForwardJob(g, px, pw, bias.IsEmpty ? null : pb, y, outer, parts, act, pooled));
            }
            return;
        }
        var (units, nb, _, _) = Units(g);
        if (units == 1 && nb == 1)
        {
            // One product per group (a single image, one block of positions): GEMM packs the row-major weight once,
            // where a transposed copy would cost a full extra pass over it (a 512-channel 3x3 weight is 9.4 MB;
            // bench/NOTES.md).
            fixed (float* px = x, pw = w, pb = bias)
                new ForwardJob(g, px, pw, bias.IsEmpty ? null : pb, y, 1, Plan(g.Macs, 1).inner, act, pooled, plainWeight: true).Run(0);
            return;
        }
        // GEMM packs a transposed A operand with plain row copies, so the weight is transposed once per call (per
        // group: rows x Cout/groups) instead of being gathered column by column in every product.
        float[] wt = ArrayPool<float>.Shared.Rent((int)g.WeightLength);
        try
        {
            TransposeWeight(w, wt, g);
            fixed (float* px = x, pw = wt, pb = bias)
            {
                var (outer, inner) = Plan(g.Macs, units);
                Parallelism.For(outer, new ForwardJob(g, px, pw, bias.IsEmpty ? null : pb, y, outer, inner, act, pooled));
            }
        }
        finally { ArrayPool<float>.Shared.Return(wt); }
    }

    // Per group, rows x Cout/groups: GEMM packs a transposed A operand with plain row copies. 8x8 SIMD tiles (the
    // scalar loop cost as much as the product of a single 14x14 image).
    static void TransposeWeight(ReadOnlySpan<float> w, float[] wt, in ConvGeometry g)
    {
        int og = g.OutPerGroup, rows = g.ColRows;
        if ((long)g.Groups * og * rows > w.Length || (long)g.Groups * og * rows > wt.Length) throw new ArgumentException("ConvKernel.TransposeWeight: buffer too small.");
        fixed (float* pw = w, pt = wt)
            for (int grp = 0; grp < g.Groups; grp++)
                Transpose8.RunParallel(pw + (long)grp * og * rows, rows, pt + (long)grp * og * rows, og, og, rows);
    }

    // w here is the per-group transposed weight [groups][rows][Cout/groups], or with plainWeight the weight itself
    // [Cout][rows], multiplied straight into NCHW. With at least ChannelsOnNMin channels per group each block of the
    // transposed weight is computed transposed,
    // Yᵀ[positions x Cout/groups] = colᵀ·Wᵀ (both operands packed by row copies, and the channel count, a multiple
    // of the micro-kernel's width in common networks, on the N side), then transposed into NCHW with 8x8 SIMD tiles.
    // With `pooled` set, y is unused: each unit (whole samples) is written to a per-thread buffer and max-pooled 2x2 into pooled.
    readonly struct ForwardJob(ConvGeometry g, float* x, float* w, float* b, float* y, int chunks, int threads, GemmActivation act, float* pooled = null,
        bool plainWeight = false) : Parallelism.IChunk
    {
        public void Run(int t)
        {
            var (units, nb, pb, perSample) = Units(g);
            int u0 = Split(units, chunks, t), u1 = Split(units, chunks, t + 1);
            if (u0 >= u1) return;
            int cg = g.InPerGroup, og = g.OutPerGroup, rows = g.ColRows, p = g.OutSpatial, isp = g.InSpatial;
            bool direct = g.IsPointwise && nb == 1;
            bool onN = og >= ChannelsOnNMin;
            float[]? buf = direct ? null : ArrayPool<float>.Shared.Rent(rows * nb * pb);
            float[]? tmp = direct ? null : ArrayPool<float>.Shared.Rent(og * nb * pb);
            float[]? unitOut = pooled == null ? null : ArrayPool<float>.Shared.Rent(nb * g.OutChannels * p);
            try
            {
                fixed (float* col = buf, tp = tmp, uo = unitOut)
                    for (int u = u0; u < u1; u++)
                    {
                        // A unit is one block of positions of one sample, or nb whole samples side by side.
                        int n = nb == 1 ? u / perSample : u * nb, cnt = nb == 1 ? 1 : Math.Min(nb, g.Batch - n);
                        int p0 = nb == 1 ? u % perSample * pb : 0, p1 = nb == 1 ? Math.Min(p, p0 + pb) : p, len = p1 - p0;
                        // Where sample n's output starts: in y, or at the start of this unit's buffer when pooling.
                        float* yn = pooled == null ? y + (long)n * g.OutChannels * p : uo;
                        for (int grp = 0; grp < g.Groups; grp++)
                        {
                            float* xg = x + ((long)n * g.InChannels + grp * cg) * isp;
                            float* yg = yn + (long)grp * og * p;
                            float* wg = w + (long)grp * og * rows;
                            float* bg = b == null ? null : b + grp * og;
                            if (direct)
                            {
                                // 1x1: the input is its own im2col matrix; one product straight into NCHW.
                                Gemm.Execute(new Gemm.Args(!plainWeight, false, og, len, rows, 1f, wg, plainWeight ? rows : og, xg + p0, p, 0f, yg + p0, p, bg, null, act), Gemm.Selected, threads);
                                continue;
                            }
                            if (cnt == 1)
                            {
                                Im2Col.Unfold(new ReadOnlySpan<float>(xg, cg * isp), buf, g, 0, rows, p0, p1);
                                if (plainWeight && !onN) { Mm(false, false, og, len, rows, wg, rows, col, len, 0f, yg + p0, p, bg, threads, act); continue; }
                                if (plainWeight)
                                {
                                    if (len > 0) Gemm.Execute(new Gemm.Args(true, true, len, og, rows, 1f, col, len, wg, rows, 0f, tp, og, null, bg, act), Gemm.Selected, threads);
                                    Transpose8.Run(tp, og, yg + p0, p, len, og);
                                    continue;
                                }
                                if (!onN) { Mm(true, false, og, len, rows, wg, og, col, len, 0f, yg + p0, p, bg, threads, act); continue; }
                                MmT(len, og, rows, col, len, wg, tp, bg, threads, act);
                                Transpose8.Run(tp, og, yg + p0, p, len, og);
                                continue;
                            }
                            // Several small samples side by side: one wider product.
                            int ld = cnt * p;
                            for (int j = 0; j < cnt; j++)
                                Im2Col.Unfold(new ReadOnlySpan<float>(xg + (long)j * g.InChannels * isp, cg * isp), buf.AsSpan(j * p), g, 0, rows, 0, p, ld);
                            if (!onN)
                            {
                                Mm(true, false, og, ld, rows, wg, og, col, ld, 0f, tp, ld, bg, threads, act);
                                for (int j = 0; j < cnt; j++)
                                    for (int o = 0; o < og; o++)
                                        new ReadOnlySpan<float>(tp + (long)o * ld + j * p, p).CopyTo(new Span<float>(yg + (long)j * g.OutChannels * p + (long)o * p, p));
                                continue;
                            }
                            MmT(ld, og, rows, col, ld, wg, tp, bg, threads, act);
                            for (int j = 0; j < cnt; j++)
                                Transpose8.Run(tp + (long)j * p * og, og, yg + (long)j * g.OutChannels * p, p, p, og);
                        }
                        if (pooled != null)
                            MaxPool2x2Kernel.ForwardSerial(uo, pooled + (long)n * g.OutChannels * (g.OutH / 2) * (g.OutW / 2), cnt * g.OutChannels, g.OutH, g.OutW);
                    }
            }
            finally
            {
                if (buf != null) ArrayPool<float>.Shared.Return(buf);
                if (tmp != null) ArrayPool<float>.Shared.Return(tmp);
                if (unitOut != null) ArrayPool<float>.Shared.Return(unitOut);
            }
        }

        // C[m x n] = Aᵀ·B with A stored k x m (lda), B stored k x n, bias per column.
        static void MmT(int m, int n, int k, float* a, int lda, float* bm, float* c, float* bias, int threads, GemmActivation act)
        {
            if (m == 0 || n == 0) return;
            Gemm.Execute(new Gemm.Args(true, false, m, n, k, 1f, a, lda, bm, n, 0f, c, n, null, bias, act), Gemm.Selected, threads);
        }
    }

    /// <summary>Whether the forward runs per sample without im2col (SmallKConv, DirectSmallConv, ImplicitConv).</summary>
    static bool RunsSmall(in ConvGeometry g) => g.ColRows <= SmallKConv.MaxRows || ImplicitConv.Supports(g);

    // Winograd wins over the small-sample path where both apply (32->64 14x14, 2 threads: batch 32 0.53 vs 0.90 ms,
    // batch 256 4.7 vs 7.2 ms), except for a single image: on one thread the two tie, and on more the small path splits
    // the output channels over the threads while Winograd's single block of tiles runs on one (bench/NOTES.md). The
    // choice does not depend on the thread count, so neither do the results.
    static bool UsesWinograd(in ConvGeometry g, bool small) => WinogradConv.Applies(g) && !(small && g.Batch == 1);

    /// <summary>
    /// Into how many output-channel ranges the small forward splits each sample: one per thread when there are fewer
    /// samples than threads (a single image) and the work pays for the hand-over, else 1 (threads take samples).
    /// Ranges are multiples of 8 channels, the kernels' register block.
    /// </summary>
    static int ChannelParts(in ConvGeometry g)
    {
        int t = Parallelism.MaxThreads;
        if (t == 1 || g.Batch >= t || g.Groups != 1 || g.Macs < ChannelSplitMacs) return 1;
        return Math.Max(1, Math.Min(t, g.OutChannels / 8));
    }

    // Few im2col rows: the product runs in SmallKConv (or DirectSmallConv) straight from the row-major weight; small
    // stride-1 samples with up to 576 rows run in ImplicitConv, also from the row-major weight, or, for a multiple of
    // 32 channels, in ChannelLaneConv from a transposed copy of it. One sample per step. With `pooled` set, y is unused:
    // ImplicitConv's grid and ChannelLaneConv's rows are pooled 2x2 straight into pooled, the other kernels' outputs go
    // to a per-thread sample buffer first.
    // Chunk t takes the samples of part t / parts and, with parts > 1 (one group), the output channels of range
    // t % parts (multiples of 8).
    readonly struct SmallForwardJob(ConvGeometry g, float* x, float* w, float* b, float* y, int chunks, int parts, GemmActivation act, float* pooled = null) : Parallelism.IChunk
    {
        public void Run(int t)
        {
            int n0 = Split(g.Batch, chunks, t / parts), n1 = Split(g.Batch, chunks, t / parts + 1);
            int c0 = parts == 1 ? 0 : Split(g.OutChannels / 8, parts, t % parts) * 8;
            int c1 = parts == 1 || t % parts == parts - 1 ? g.OutPerGroup : Split(g.OutChannels / 8, parts, t % parts + 1) * 8;
            if (n0 >= n1 || c0 >= c1) return;
            int cg = g.InPerGroup, og = c1 - c0, rows = g.ColRows, p = g.OutSpatial, isp = g.InSpatial;
            bool pointwise = g.IsPointwise, direct = DirectSmallConv.Supports(g), implicitGemm = ImplicitConv.Supports(g);
            // A multiple of 32 channels runs with the channels in the lanes (no padded grid), from a transposed weight.
            bool lanes = implicitGemm && ChannelLaneConv.Supports(g, og);
            float[]? buf = pointwise ? null : ArrayPool<float>.Shared.Rent(implicitGemm ? ImplicitConv.PaddedLength(g) : direct ? DirectSmallConv.PaddedLength(g) : rows * p);
            float[]? grid = !implicitGemm ? null : ArrayPool<float>.Shared.Rent(lanes ? ChannelLaneConv.ScratchLength(g) : ImplicitConv.GridLength(g));
            float[]? wt = lanes ? ArrayPool<float>.Shared.Rent(ChannelLaneConv.WeightLength(g, og)) : null;
            // ImplicitConv and ChannelLaneConv pool straight from their own scratch (the padded grid, the channels-last
            // rows); the other kernels write the sample out first.
            bool poolInKernel = implicitGemm && pooled != null;
            float[]? sampleOut = pooled == null || poolInKernel ? null : ArrayPool<float>.Shared.Rent(g.OutChannels * p);
            int pp = (g.OutH / 2) * (g.OutW / 2);
            try
            {
                if (lanes)
                    fixed (float* pwt = wt) ChannelLaneConv.TransposeWeight(w + (long)c0 * rows, og, pwt, g);   // one group: o0 = c0
                for (int n = n0; n < n1; n++)
                {
                    for (int grp = 0; grp < g.Groups; grp++)
                    {
                        var xs = new ReadOnlySpan<float>(x + ((long)n * g.InChannels + grp * cg) * isp, cg * isp);
                        int o0 = grp * g.OutPerGroup + c0;   // first output channel of this chunk
                        float* wg = w + (long)o0 * rows, bg = b == null ? null : b + o0;
                        var ys = pooled == null ? new Span<float>(y + ((long)n * g.OutChannels + o0) * p, og * p)
                            : poolInKernel ? default : sampleOut.AsSpan(o0 * p, og * p);
                        if (lanes)
                            fixed (float* pad = buf, py = ys, pg = grid, pwt = wt)
                            {
                                DirectSmallConv.Pad(x + (long)n * g.InChannels * isp, pad, g);
                                ChannelLaneConv.Forward(pad, pwt, og, bg, poolInKernel ? null : py,
                                    poolInKernel ? pooled + ((long)n * g.OutChannels + o0) * pp : null, g, act == GemmActivation.Relu, pg);
                            }
                        else if (implicitGemm)
                            fixed (float* pad = buf, py = ys, pg = grid)
                            {
                                DirectSmallConv.Pad(x + ((long)n * g.InChannels + grp * cg) * isp, pad, g);
                                ImplicitConv.Forward(pad, wg, bg, poolInKernel ? null : py, og, pg, g, act == GemmActivation.Relu);
                                if (poolInKernel)
                                    MaxPool2x2Kernel.ForwardSerial(pg, ImplicitConv.GridPositions(g), ImplicitConv.GridRowStride(g),
                                        pooled + ((long)n * g.OutChannels + o0) * pp, og, g.OutH, g.OutW);
                            }
                        else if (direct)
                            fixed (float* pad = buf, py = ys)
                            {
                                // Straight from a zero-padded copy of the sample: no im2col matrix.
                                DirectSmallConv.Pad(x + ((long)n * g.InChannels + grp * cg) * isp, pad, g);
                                DirectSmallConv.Forward(pad, wg, bg, py, og, g, act == GemmActivation.Relu);
                            }
                        else
                        {
                            ReadOnlySpan<float> col = xs;
                            if (!pointwise) { Im2Col.Unfold(xs, buf, g, 0, rows); col = buf.AsSpan(0, rows * p); }
                            SmallKConv.Forward(col, rows, p, new ReadOnlySpan<float>(wg, og * rows), og,
                                bg == null ? default : new ReadOnlySpan<float>(bg, og), ys, p);
                        }
                        // ImplicitConv and DirectSmallConv apply the ReLU in their stores; SmallKConv's output gets it here, in cache.
                        if (act == GemmActivation.Relu && !implicitGemm && !direct) Map.Unary<ReluOp>(ys, ys);
                    }
                    if (pooled != null && !poolInKernel)
                        fixed (float* so = sampleOut)
                        {
                            int c = parts == 1 ? g.OutChannels : og;
                            MaxPool2x2Kernel.ForwardSerial(so + (long)c0 * p, pooled + ((long)n * g.OutChannels + c0) * pp, c, g.OutH, g.OutW);
                        }
                }
            }
            finally
            {
                if (buf != null) ArrayPool<float>.Shared.Return(buf);
                if (grid != null) ArrayPool<float>.Shared.Return(grid);
                if (wt != null) ArrayPool<float>.Shared.Return(wt);
                if (sampleOut != null) ArrayPool<float>.Shared.Return(sampleOut);
            }
        }
    }

    /// <summary>dx = d(sum(conv(x, w) · dy))/dx: per group Wᵀ·dY, folded back by col2im. Overwrites dx.</summary>
    public static void BackwardInput(ReadOnlySpan<float> dy, ReadOnlySpan<float> w, Span<float> dx, in ConvGeometry g)
    {
        g.CheckLengths("ConvKernel.BackwardInput", dx.Length, w.Length, dy.Length);
        if (g.InputLength == 0) return;
        if (g.OutputLength == 0) { dx[..(int)g.InputLength].Clear(); return; }
        if (g.IsDepthwise2d) { DepthwiseConv.BackwardInput(dy, w, dx, g); return; }
        if (WinogradConv.Applies(g)) { WinogradConv.BackwardInput(dy, w, dx, g); return; }
        fixed (float* pdy = dy, pw = w, pdx = dx)
        {
            var (nb, _) = Blocks(g.ColRows, g.OutSpatial, g.Batch);
            var (outer, inner) = Plan(g.Macs, (g.Batch + nb - 1) / nb);
            Parallelism.For(outer, new BackwardInputJob(g, pdy, pw, pdx, outer, inner));
        }
    }

    readonly struct BackwardInputJob(ConvGeometry g, float* dy, float* w, float* dx, int chunks, int threads) : Parallelism.IChunk
    {
        public void Run(int t)
        {
            // Units are whole samples (or groups of small ones): the blocks of one sample add into the same dx.
            var (nb, pb) = Blocks(g.ColRows, g.OutSpatial, g.Batch);
            int units = (g.Batch + nb - 1) / nb;
            int u0 = Split(units, chunks, t), u1 = Split(units, chunks, t + 1);
            if (u0 >= u1) return;
            int cg = g.InPerGroup, og = g.OutPerGroup, rows = g.ColRows, p = g.OutSpatial, isp = g.InSpatial;
            bool direct = g.IsPointwise && nb == 1;
            float[]? buf = direct ? null : ArrayPool<float>.Shared.Rent(rows * nb * pb);
            float[]? tmp = nb > 1 ? ArrayPool<float>.Shared.Rent(og * nb * p) : null;
            try
            {
                fixed (float* col = buf, tp = tmp)
                    for (int u = u0; u < u1; u++)
                    {
                        int n = u * nb, cnt = Math.Min(nb, g.Batch - n);
                        for (int grp = 0; grp < g.Groups; grp++)
                        {
                            float* wg = w + (long)grp * og * rows;
                            float* dyg = dy + ((long)n * g.OutChannels + grp * og) * p;
                            float* dxg = dx + ((long)n * g.InChannels + grp * cg) * isp;
                            if (direct) { Mm(true, false, rows, p, og, wg, rows, dyg, p, 0f, dxg, p, null, threads); continue; }
                            if (cnt == 1)
                            {
                                var dxs = new Span<float>(dxg, cg * isp);
                                dxs.Clear();
                                for (int p0 = 0; p0 < p; p0 += pb)
                                {
                                    int p1 = Math.Min(p, p0 + pb);
                                    Mm(true, false, rows, p1 - p0, og, wg, rows, dyg + p0, p, 0f, col, p1 - p0, null, threads);
                                    Im2Col.Fold(buf, dxs, g, p0, p1);
                                }
                                continue;
                            }
                            // Several small samples side by side: gather dY, one wider product, fold each sample.
                            int ld = cnt * p;
                            for (int j = 0; j < cnt; j++)
                                for (int o = 0; o < og; o++)
                                    new ReadOnlySpan<float>(dyg + (long)j * g.OutChannels * p + (long)o * p, p).CopyTo(new Span<float>(tp + (long)o * ld + j * p, p));
                            Mm(true, false, rows, ld, og, wg, rows, tp, ld, 0f, col, ld, null, threads);
                            for (int j = 0; j < cnt; j++)
                            {
                                var dxs = new Span<float>(dxg + (long)j * g.InChannels * isp, cg * isp);
                                dxs.Clear();
                                Im2Col.Fold(buf.AsSpan(j * p), dxs, g, 0, p, ld);
                            }
                        }
                    }
            }
            finally
            {
                if (buf != null) ArrayPool<float>.Shared.Return(buf);
                if (tmp != null) ArrayPool<float>.Shared.Return(tmp);
            }
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
        if (WinogradConv.Applies(g)) { WinogradConv.BackwardWeight(dy, x, dw, g); return; }
        fixed (float* pdy = dy, px = x, pdw = dw)
        {
            if (g.ColRows <= SmallKConv.MaxRows)
            {
                var (chunks, _) = Plan(g.Macs, g.OutChannels / 4);
                Parallelism.For(chunks, new SmallWeightJob(g, pdy, px, pdw, chunks));
                return;
            }
            if (ImplicitConv.SupportsWeight(g))
            {
                var (chunks, _) = Plan(g.Macs, (g.ColRows + 5) / 6);
                Parallelism.For(chunks, new ImplicitWeightJob(g, pdy, px, pdw, chunks));
                return;
            }
            var (outer, inner) = Plan(g.Macs, g.ColRows / 32);
            Parallelism.For(outer, new BackwardWeightJob(g, pdy, px, pdw, outer, inner));
        }
    }

    // dW[:, r0:r1] = Σ dY · colᵀ, computed transposed, with col produced already transposed
    // (positions x rows, via 8x8 SIMD transposes of small im2col tiles) as GEMM's A operand (packed by row copies,
    // the many rows on the M side, the channels on the N side), accumulated in a [rows x Cout/groups] buffer that is
    // transposed into dW at the end.
    readonly struct BackwardWeightJob(ConvGeometry g, float* dy, float* x, float* dw, int chunks, int threads) : Parallelism.IChunk
    {
        const int TileRows = 32;

        public void Run(int t)
        {
            int rows = g.ColRows;
            int r0 = Split(rows, chunks, t), r1 = Split(rows, chunks, t + 1), nr = r1 - r0;
            if (nr <= 0) return;
            int cg = g.InPerGroup, og = g.OutPerGroup, p = g.OutSpatial, isp = g.InSpatial;
            // Blocks from the geometry only, so the summation order does not depend on the thread split.
            var (nb, pb) = WeightBlocks(p, g.Batch);
            bool pointwise = g.IsPointwise;
            float[] colT = ArrayPool<float>.Shared.Rent(nb * pb * nr);
            float[] tile = ArrayPool<float>.Shared.Rent(TileRows * pb);
            float[] tmp = ArrayPool<float>.Shared.Rent(og * nb * pb);
            float[] acc = ArrayPool<float>.Shared.Rent(nr * og);
            try
            {
                fixed (float* ct = colT, tl = tile, tp = tmp, dwt = acc)
                    for (int grp = 0; grp < g.Groups; grp++)
                    {
                        float* dwg = dw + (long)grp * og * rows + r0;
                        new Span<float>(dwt, nr * og).Clear();
                        for (int n = 0; n < g.Batch; n += nb)
                        {
                            int cnt = Math.Min(nb, g.Batch - n);
                            for (int p0 = 0; p0 < p; p0 += pb)
                            {
                                int p1 = Math.Min(p, p0 + pb), len = p1 - p0, k = cnt * len;
                                for (int j = 0; j < cnt; j++)
                                {
                                    float* xg = x + ((long)(n + j) * g.InChannels + grp * cg) * isp;
                                    float* dst = ct + (long)j * len * nr;
                                    if (pointwise) { Transpose8.Run(xg + (long)r0 * p + p0, p, dst, nr, nr, len); continue; }
                                    var xs = new ReadOnlySpan<float>(xg, cg * isp);
                                    for (int ra = r0; ra < r1; ra += TileRows)
                                    {
                                        int rb = Math.Min(r1, ra + TileRows);
                                        Im2Col.Unfold(xs, tile, g, ra, rb, p0, p1);
                                        Transpose8.Run(tl, len, dst + (ra - r0), nr, rb - ra, len);
                                    }
                                }
                                // dYᵀ of the block (positions x channels; several small samples stacked), by 8x8 SIMD tiles.
                                float* dyg = dy + ((long)n * g.OutChannels + grp * og) * p;
                                for (int j = 0; j < cnt; j++)
                                    Transpose8.Run(dyg + (long)j * g.OutChannels * p + p0, p, tp + (long)j * len * og, og, og, len);
                                // dWᵀ[nr x og] += colTᵀ · dYᵀ  (A = colT stored k x nr, B = dYᵀ stored k x og)
                                Gemm.Execute(new Gemm.Args(true, false, nr, og, k, 1f, ct, nr, tp, og, 1f, dwt, og, null, null, GemmActivation.None), Gemm.Selected, threads);
                            }
                        }
                        Transpose8.Run(dwt, og, dwg, rows, nr, og);
                    }
            }
            finally
            {
                ArrayPool<float>.Shared.Return(acc);
                ArrayPool<float>.Shared.Return(colT);
                ArrayPool<float>.Shared.Return(tile);
                ArrayPool<float>.Shared.Return(tmp);
            }
        }
    }

    // Small stride-1 samples (ImplicitConv.SupportsWeight): threads split the im2col rows (in sixes); each thread takes
    // the batch in steps of WeightSamples samples (padded copies and transposed dY in per-thread buffers) and sums
    // dWᵀ[rows, og] in a per-thread buffer, transposed into dW at the end: each dW element is summed over the batch by
    // one thread in an order fixed by the geometry.
    readonly struct ImplicitWeightJob(ConvGeometry g, float* dy, float* x, float* dw, int chunks) : Parallelism.IChunk
    {
        public void Run(int t)
        {
            int rows = g.ColRows, sixes = (rows + 5) / 6;
            int r0 = Math.Min(rows, Split(sixes, chunks, t) * 6), r1 = Math.Min(rows, Split(sixes, chunks, t + 1) * 6), nr = r1 - r0;
            if (nr <= 0) return;
            int cg = g.InPerGroup, og = g.OutPerGroup, p = g.OutSpatial, isp = g.InSpatial;
            int padLen = ImplicitConv.PaddedLength(g), s = ImplicitConv.WeightSamples;
            float[] pads = ArrayPool<float>.Shared.Rent(s * padLen);
            float[] dyT = ArrayPool<float>.Shared.Rent(s * p * og);
            float[] acc = ArrayPool<float>.Shared.Rent(rows * og);
            int[] bases = ArrayPool<int>.Shared.Rent(p);
            try
            {
                fixed (float* pp = pads, pt = dyT, pa = acc)
                fixed (int* pb = bases)
                {
                    ImplicitConv.Bases(pb, g);
                    for (int grp = 0; grp < g.Groups; grp++)
                    {
                        new Span<float>(pa + (long)r0 * og, nr * og).Clear();
                        for (int n0 = 0; n0 < g.Batch; n0 += s)
                        {
                            int cnt = Math.Min(s, g.Batch - n0);
                            for (int j = 0; j < cnt; j++)
                            {
                                DirectSmallConv.Pad(x + ((long)(n0 + j) * g.InChannels + grp * cg) * isp, pp + (long)j * padLen, g);
                                Transpose8.Run(dy + ((long)(n0 + j) * g.OutChannels + grp * og) * p, p, pt + (long)j * p * og, og, og, p);
                            }
                            ImplicitConv.Weight(pp, pt, cnt, pb, pa, r0, r1, og, g);
                        }
                        Transpose8.Run(pa + (long)r0 * og, og, dw + (long)grp * og * rows + r0, rows, nr, og);
                    }
                }
            }
            finally
            {
                ArrayPool<float>.Shared.Return(pads);
                ArrayPool<float>.Shared.Return(dyT);
                ArrayPool<float>.Shared.Return(acc);
                ArrayPool<int>.Shared.Return(bases);
            }
        }
    }

    // Few im2col rows: threads split the output channels; each dW element is summed over the batch by one thread.
    readonly struct SmallWeightJob(ConvGeometry g, float* dy, float* x, float* dw, int chunks) : Parallelism.IChunk
    {
        public void Run(int t)
        {
            int o0 = Split(g.OutChannels, chunks, t), o1 = Split(g.OutChannels, chunks, t + 1);
            if (o0 >= o1) return;
            int cg = g.InPerGroup, og = g.OutPerGroup, rows = g.ColRows, p = g.OutSpatial, isp = g.InSpatial;
            bool pointwise = g.IsPointwise;
            new Span<float>(dw + (long)o0 * rows, (o1 - o0) * rows).Clear();
            float[]? buf = pointwise ? null : ArrayPool<float>.Shared.Rent(rows * p);
            try
            {
                for (int n = 0; n < g.Batch; n++)
                    for (int grp = o0 / og; grp <= (o1 - 1) / og; grp++)
                    {
                        var xs = new ReadOnlySpan<float>(x + ((long)n * g.InChannels + grp * cg) * isp, cg * isp);
                        ReadOnlySpan<float> col = xs;
                        if (!pointwise) { Im2Col.Unfold(xs, buf, g, 0, rows); col = buf.AsSpan(0, rows * p); }
                        int a = Math.Max(o0, grp * og) - grp * og, b = Math.Min(o1, (grp + 1) * og) - grp * og;
                        SmallKConv.AccumulateWeight(new ReadOnlySpan<float>(dy + ((long)n * g.OutChannels + grp * og) * p, og * p), p,
                            col, rows, p, new Span<float>(dw + (long)grp * og * rows, og * rows), a, b);
                    }
            }
            finally { if (buf != null) ArrayPool<float>.Shared.Return(buf); }
        }
    }

    /// <summary>
    /// The independent work units of the forward pass (and the input gradient's products): per sample, its position
    /// blocks, or groups of <c>nb</c> whole samples; fixed by the geometry, so the split does not change the results.
    /// </summary>
    internal static (int units, int nb, int pb, int perSample) Units(in ConvGeometry g)
    {
        var (nb, pb) = Blocks(g.ColRows, g.OutSpatial, g.Batch);
        if (nb > 1) return ((g.Batch + nb - 1) / nb, nb, pb, 1);
        int per = (g.OutSpatial + pb - 1) / pb;
        return (g.Batch * per, 1, pb, per);
    }

    /// <summary>Weight-gradient blocks: about <see cref="WeightK"/> positions per product (whole small samples stacked, or a large sample tiled).</summary>
    internal static (int samples, int positions) WeightBlocks(int positions, int batch)
    {
        positions = Math.Max(positions, 1);
        if (positions >= WeightK)
        {
            int count = (positions + WeightK - 1) / WeightK;
            return (1, (positions + count - 1) / count);
        }
        return (Math.Clamp(WeightK / positions, 1, Math.Max(batch, 1)), positions);
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

    internal static void CheckBias(string op, ReadOnlySpan<float> bias, in ConvGeometry g)
    {
        if (bias.Length != 0 && bias.Length < g.OutChannels)
            throw new ArgumentException($"{op}: bias has {bias.Length} values, expected {g.OutChannels}.");
    }

    // C = op(A)·op(B) + beta·C (+ bias per row) on `threads` threads.
    static void Mm(bool ta, bool tb, int m, int n, int k, float* a, int lda, float* b, int ldb, float beta, float* c, int ldc, float* biasRow, int threads,
        GemmActivation act = GemmActivation.None)
    {
        if (m == 0 || n == 0) return;
        Gemm.Execute(new Gemm.Args(ta, tb, m, n, k, 1f, a, lda, b, ldb, beta, c, ldc, biasRow, null, act), Gemm.Selected, threads);
    }

    /// <summary>
    /// How the columns of one product are cut: when a sample has at least <see cref="TargetColumns"/> output positions,
    /// one sample per block and its positions tiled (blocks of at least TargetColumns, more while rows·block stays near
    /// <see cref="ColBlockFloats"/>); otherwise whole samples side by side, enough of them (at most
    /// <paramref name="maxSamples"/>) to reach TargetColumns, so that GEMM's packing of the weight is amortised.
    /// </summary>
    internal static (int samples, int positions) Blocks(int rows, int positions, int maxSamples)
    {
        positions = Math.Max(positions, 1);
        if (positions >= TargetColumns)
        {
            int b = Math.Max(TargetColumns, ColBlockFloats / Math.Max(rows, 1) / 32 * 32);
            int count = (positions + b - 1) / b;
            return (1, (positions + count - 1) / count);
        }
        int s = Math.Clamp((TargetColumns + positions - 1) / positions, 1, Math.Max(maxSamples, 1));
        return (Balanced(s, maxSamples), positions);
    }

    /// <summary>
    /// Samples per unit from <paramref name="samples"/> up to twice that, the fewest that minimise the samples of the
    /// busiest thread (units are dealt out whole: 32 samples in 3s make 11 units, 6 and 5 per thread, in 4s 8 units,
    /// 4 and 4). The grouping of samples never changes a result, only the balance.
    /// </summary>
    static int Balanced(int samples, int batch)
    {
        int t = Parallelism.MaxThreads;
        if (t == 1 || samples >= batch) return samples;
        int best = samples;
        long bestLoad = long.MaxValue;
        for (int s = samples; s <= Math.Min(2 * samples, batch); s++)
        {
            int units = (batch + s - 1) / s;
            long load = (long)((units + t - 1) / t) * s;
            if (load < bestLoad) { best = s; bestLoad = load; }
        }
        return best;
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
        return macs < InnerParallelMacs ? (1, 1) : (1, t);
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
