using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Fovea.Kernels;

/// <summary>
/// The <see cref="ImplicitConv"/> product with the output channels in the vector lanes instead of the positions: per
/// register block one output row of up to 14 positions x 32 channels (28 accumulators), each input value broadcast
/// from the zero-padded sample (<see cref="DirectSmallConv.Pad"/>) against two vectors of a transposed weight
/// [tap][channel]. ImplicitConv computes its 16-position vectors on the padded grid (a 14-wide output row is computed
/// 16 wide: 12.5% of its work thrown away); here every computed position is an output. Each output is bias + Σ_r
/// w[o,r]·x in tap order with fused multiply-adds, as in ImplicitConv, so the two give the same bits. Rows come out
/// channels-last and go to NCHW through <see cref="Transpose8"/>, or, for a fused 2x2 max pool, pairs of rows are
/// pooled first (in MaxPool2x2Kernel's order) and only the pooled values are transposed.
/// </summary>
internal static unsafe class ChannelLaneConv
{
    const int L = 16, Lanes = 32, Cols = 14;

    /// <summary>Whether this kernel computes <paramref name="og"/> output channels of <paramref name="g"/>:
    /// <see cref="ImplicitConv.Supports"/>, one group, a multiple of 32 channels.</summary>
    public static bool Supports(in ConvGeometry g, int og) => ImplicitConv.Supports(g) && g.Groups == 1 && og % Lanes == 0 && og > 0;

    /// <summary>Floats of the transposed weight for <paramref name="og"/> channels.</summary>
    public static int WeightLength(in ConvGeometry g, int og) => g.ColRows * og;

    /// <summary>Floats of the per-call scratch: two channels-last rows and the pooled channels-last plane of 32 channels.</summary>
    public static int ScratchLength(in ConvGeometry g) => 2 * Cols * Lanes + (g.OutH / 2) * (g.OutW / 2) * Lanes;

    /// <summary>wt[r][o] = w[o][r] for the og rows of w (each ColRows long).</summary>
    public static void TransposeWeight(float* w, int og, float* wt, in ConvGeometry g) => Transpose8.Run(w, g.ColRows, wt, og, og, g.ColRows);

    /// <summary>
    /// Output channels [0, og) of one sample: into y ([og][OutSpatial], NCHW) when it is not null, and 2x2 max-pooled
    /// into pooled ([og][OutH/2 · OutW/2]) when that is not null. pad from <see cref="DirectSmallConv.Pad"/> (with
    /// <see cref="ImplicitConv.PaddedLength"/> floats), wt from <see cref="TransposeWeight"/>, bias the og values or
    /// null, scratch of <see cref="ScratchLength"/> floats.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward(float* pad, float* wt, int og, float* bias, float* y, float* pooled, in ConvGeometry g, bool relu, float* scratch)
    {
        int rows = g.ColRows, oh = g.OutH, ow = g.OutW, wp = g.OutW + g.KW - 1, p = g.OutSpatial;
        int ph = oh / 2, pw = ow / 2, pp = ph * pw;
        int* offs = stackalloc int[rows];
        DirectSmallConv.TapOffsets(g, offs);
        float* rowBuf = scratch, pooledBuf = scratch + 2 * Cols * Lanes;
        for (int c0 = 0; c0 < og; c0 += Lanes)
        {
            float* wc = wt + c0, bc = bias == null ? null : bias + c0;
            for (int j0 = 0; j0 < ow; j0 += Cols)
            {
                int cw = Math.Min(Cols, ow - j0);
                for (int i = 0; i < oh; i++)
                {
                    float* row = rowBuf + (i & 1) * Cols * Lanes;
                    Block(pad + i * wp + j0, offs, rows, wc, og, bc, relu, row);
                    if (y != null) Transpose8.Run(row, Lanes, y + (long)c0 * p + i * ow + j0, p, cw, Lanes);
                    if (pooled == null || (i & 1) == 0 || i / 2 >= ph) continue;
                    // Rows i-1 and i: each window's maximum as MaxPool2x2Kernel takes it (the columns' top/bottom maxima, then left/right).
                    float* top = rowBuf, bottom = rowBuf + Cols * Lanes;
                    float* dst = pooledBuf + ((long)(i / 2) * pw + j0 / 2) * Lanes;
                    for (int q = 0; q + 1 < cw && j0 / 2 + q / 2 < pw; q += 2)
                        for (int h = 0; h < Lanes; h += L)
                        {
                            var left = Vector512.Max(Vector512.Load(top + q * Lanes + h), Vector512.Load(bottom + q * Lanes + h));
                            var right = Vector512.Max(Vector512.Load(top + (q + 1) * Lanes + h), Vector512.Load(bottom + (q + 1) * Lanes + h));
                            Vector512.Max(left, right).Store(dst + q / 2 * Lanes + h);
                        }
                }
            }
            if (pooled != null && pp > 0) Transpose8.Run(pooledBuf, Lanes, pooled + (long)c0 * pp, pp, pp, Lanes);
        }
    }

    // Positions x[0..13] (each + offs[r]) x channels [0, 32): acc = bias + Σ_r x·wt[r] in tap order; all 14 positions
    // are computed (the columns past a narrower row read the zero-padded copy's next values and are not used).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Block(float* x, int* offs, int rows, float* wt, nint ldw, float* bias, bool relu, float* dst)
    {
        var i0 = bias == null ? Vector512<float>.Zero : Vector512.Load(bias);
        var i1 = bias == null ? Vector512<float>.Zero : Vector512.Load(bias + L);
        Vector512<float> a0 = i0, a1 = i0, a2 = i0, a3 = i0, a4 = i0, a5 = i0, a6 = i0, a7 = i0, a8 = i0, a9 = i0, a10 = i0, a11 = i0, a12 = i0, a13 = i0;
        Vector512<float> b0 = i1, b1 = i1, b2 = i1, b3 = i1, b4 = i1, b5 = i1, b6 = i1, b7 = i1, b8 = i1, b9 = i1, b10 = i1, b11 = i1, b12 = i1, b13 = i1;
        for (int r = 0; r < rows; r++)
        {
            float* s = x + offs[r];
            float* wr = wt + r * ldw;
            var w0 = Vector512.Load(wr); var w1 = Vector512.Load(wr + L);
            var v = Vector512.Create(s[0]); a0 = Vector512.FusedMultiplyAdd(v, w0, a0); b0 = Vector512.FusedMultiplyAdd(v, w1, b0);
            v = Vector512.Create(s[1]); a1 = Vector512.FusedMultiplyAdd(v, w0, a1); b1 = Vector512.FusedMultiplyAdd(v, w1, b1);
            v = Vector512.Create(s[2]); a2 = Vector512.FusedMultiplyAdd(v, w0, a2); b2 = Vector512.FusedMultiplyAdd(v, w1, b2);
            v = Vector512.Create(s[3]); a3 = Vector512.FusedMultiplyAdd(v, w0, a3); b3 = Vector512.FusedMultiplyAdd(v, w1, b3);
            v = Vector512.Create(s[4]); a4 = Vector512.FusedMultiplyAdd(v, w0, a4); b4 = Vector512.FusedMultiplyAdd(v, w1, b4);
            v = Vector512.Create(s[5]); a5 = Vector512.FusedMultiplyAdd(v, w0, a5); b5 = Vector512.FusedMultiplyAdd(v, w1, b5);
            v = Vector512.Create(s[6]); a6 = Vector512.FusedMultiplyAdd(v, w0, a6); b6 = Vector512.FusedMultiplyAdd(v, w1, b6);
            v = Vector512.Create(s[7]); a7 = Vector512.FusedMultiplyAdd(v, w0, a7); b7 = Vector512.FusedMultiplyAdd(v, w1, b7);
            v = Vector512.Create(s[8]); a8 = Vector512.FusedMultiplyAdd(v, w0, a8); b8 = Vector512.FusedMultiplyAdd(v, w1, b8);
            v = Vector512.Create(s[9]); a9 = Vector512.FusedMultiplyAdd(v, w0, a9); b9 = Vector512.FusedMultiplyAdd(v, w1, b9);
            v = Vector512.Create(s[10]); a10 = Vector512.FusedMultiplyAdd(v, w0, a10); b10 = Vector512.FusedMultiplyAdd(v, w1, b10);
            v = Vector512.Create(s[11]); a11 = Vector512.FusedMultiplyAdd(v, w0, a11); b11 = Vector512.FusedMultiplyAdd(v, w1, b11);
            v = Vector512.Create(s[12]); a12 = Vector512.FusedMultiplyAdd(v, w0, a12); b12 = Vector512.FusedMultiplyAdd(v, w1, b12);
            v = Vector512.Create(s[13]); a13 = Vector512.FusedMultiplyAdd(v, w0, a13); b13 = Vector512.FusedMultiplyAdd(v, w1, b13);
        }
        Store(a0, b0, relu, dst); Store(a1, b1, relu, dst + 1 * Lanes); Store(a2, b2, relu, dst + 2 * Lanes); Store(a3, b3, relu, dst + 3 * Lanes);
        Store(a4, b4, relu, dst + 4 * Lanes); Store(a5, b5, relu, dst + 5 * Lanes); Store(a6, b6, relu, dst + 6 * Lanes); Store(a7, b7, relu, dst + 7 * Lanes);
        Store(a8, b8, relu, dst + 8 * Lanes); Store(a9, b9, relu, dst + 9 * Lanes); Store(a10, b10, relu, dst + 10 * Lanes);
        Store(a11, b11, relu, dst + 11 * Lanes); Store(a12, b12, relu, dst + 12 * Lanes); Store(a13, b13, relu, dst + 13 * Lanes);
    }

    // The fused ReLU: the same Vector512.Max as ReluOp's pass over the output.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Store(Vector512<float> a, Vector512<float> b, bool relu, float* dst)
    {
        if (relu) { a = Vector512.Max(a, Vector512<float>.Zero); b = Vector512.Max(b, Vector512<float>.Zero); }
        a.Store(dst); b.Store(dst + L);
    }
}
