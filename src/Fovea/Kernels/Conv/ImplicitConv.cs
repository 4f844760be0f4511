using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Fovea.Kernels;

/// <summary>
/// Implicit-GEMM forward for small stride-1 convolutions (a 3x3 layer on 14x14 maps: per sample a 64 x 196 x 288
/// product, where im2col and GEMM's packing cost a third of the time): the product W·col is computed straight from a
/// zero-padded copy of the sample (<see cref="DirectSmallConv.Pad"/>), each im2col row being a shifted view of it.
/// Outputs are computed on the padded grid (rows OutW + KW - 1 wide, the extra columns thrown away), 16 positions per
/// vector, 8 output channels x 3 vectors per register block; the weight is read row-major, each value broadcast.
/// Every output is bias + Σ_r w[o,r]·x in tap order (fused multiply-adds), fixed by the geometry alone.
/// </summary>
internal static unsafe class ImplicitConv
{
    const int L = 16;
    // Largest im2col row count and output positions per sample this kernel takes (beyond, GEMM's blocking wins).
    const int MaxRows = 576, MaxPositions = 1024;

    /// <summary>Whether this kernel applies to <paramref name="g"/>: AVX-512, stride 1, dilation 1, 1-D or 2-D, at least
    /// 8 output channels per group, more im2col rows than <see cref="SmallKConv.MaxRows"/> and at most 576, at most 1024
    /// output positions per sample.</summary>
    public static bool Supports(in ConvGeometry g) =>
        Vector512.IsHardwareAccelerated && Im2Col.IsUnitStride2d(g) && !g.IsPointwise && g.OutPerGroup >= 8
        && g.ColRows > SmallKConv.MaxRows && g.ColRows <= MaxRows && g.OutSpatial <= MaxPositions && g.OutSpatial > 0;

    /// <summary>Floats of the padded sample buffer (<see cref="DirectSmallConv.PaddedLength"/> plus the slack the last
    /// vectors of the grid read).</summary>
    public static int PaddedLength(in ConvGeometry g) => DirectSmallConv.PaddedLength(g) + 3 * L + g.KW;

    /// <summary>Floats of the per-sample scratch holding one group's outputs on the padded grid.</summary>
    public static int GridLength(in ConvGeometry g) => g.OutPerGroup * GridPositions(g);

    /// <summary>Floats between two output channels' planes in the grid (rows are <see cref="GridRowStride"/> apart).</summary>
    public static int GridPositions(in ConvGeometry g) => (g.OutH * (g.OutW + g.KW - 1) + L - 1) / L * L;

    /// <summary>Floats between two output rows in the grid.</summary>
    public static int GridRowStride(in ConvGeometry g) => g.OutW + g.KW - 1;

    /// <summary>
    /// y[o, p] = bias[o] + Σ_r w[o, r]·x[tap r at p] for one sample group: <paramref name="pad"/> from
    /// <see cref="DirectSmallConv.Pad"/> (with <see cref="PaddedLength"/> floats), w row-major [og, ColRows], y [og,
    /// OutSpatial], <paramref name="grid"/> scratch of <see cref="GridLength"/> floats. With y null the outputs are
    /// left in the grid only (planes <see cref="GridPositions"/> apart, rows <see cref="GridRowStride"/> apart, each
    /// row's last KW - 1 values unused), for a caller that reads them from there.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward(float* pad, float* w, float* bias, float* y, int og, float* grid, in ConvGeometry g, bool relu = false)
    {
        int rows = g.ColRows, ow = g.OutW, wp = g.OutW + g.KW - 1, q = GridPositions(g), vecs = q / L;
        int* offs = stackalloc int[rows];
        DirectSmallConv.TapOffsets(g, offs);
        int o = 0;
        for (; o + 8 <= og; o += 8)
        {
            float* wo = w + (long)o * rows, go = grid + (long)o * q;
            float* bo = bias == null ? null : bias + o;
            int v = 0;
            for (; v + 3 <= vecs; v += 3) Block8x3(pad + v * L, offs, rows, wo, bo, go + v * L, q, relu);
            if (v + 2 <= vecs)
            {
                DirectSmallConv.Block8x2(pad + v * L, pad + (v + 1) * L, offs, rows, wo, bo, go + v * L, go + (v + 1) * L, q, relu);
                v += 2;
            }
            for (; v < vecs; v++) Block8x1(pad + v * L, offs, rows, wo, bo, go + v * L, q, relu);
        }
        for (; o < og; o++)
        {
            float* wr = w + (long)o * rows;
            for (int v = 0; v < vecs; v++)
            {
                var acc = Vector512.Create(bias == null ? 0f : bias[o]);
                float* x = pad + v * L;
                for (int r = 0; r < rows; r++) acc = Vector512.FusedMultiplyAdd(Vector512.Create(wr[r]), Vector512.Load(x + offs[r]), acc);
                Act(acc, relu).Store(grid + (long)o * q + v * L);
            }
        }
        // Drop the padded grid's extra columns (a caller that pools straight from the grid passes no y).
        if (y == null) return;
        int p = g.OutSpatial;
        for (int c = 0; c < og; c++)
            for (int i = 0; i < g.OutH; i++)
                new ReadOnlySpan<float>(grid + (long)c * q + i * wp, ow).CopyTo(new Span<float>(y + (long)c * p + i * ow, ow));
    }

    static Vector512<float> Init(float* bias, int j) => bias == null ? Vector512<float>.Zero : Vector512.Create(bias[j]);

    // The fused ReLU: the same Vector512.Max as ReluOp's pass over the output.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector512<float> Act(Vector512<float> v, bool relu) => relu ? Vector512.Max(v, Vector512<float>.Zero) : v;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Block8x3(float* x, int* offs, int rows, float* w, float* bias, float* y, int q, bool relu)
    {
        Vector512<float> a0 = Init(bias, 0), a1 = Init(bias, 1), a2 = Init(bias, 2), a3 = Init(bias, 3),
            a4 = Init(bias, 4), a5 = Init(bias, 5), a6 = Init(bias, 6), a7 = Init(bias, 7);
        Vector512<float> b0 = a0, b1 = a1, b2 = a2, b3 = a3, b4 = a4, b5 = a5, b6 = a6, b7 = a7;
        Vector512<float> c0 = a0, c1 = a1, c2 = a2, c3 = a3, c4 = a4, c5 = a5, c6 = a6, c7 = a7;
        nint rs = rows;
        for (int r = 0; r < rows; r++)
        {
            float* s = x + offs[r];
            var u = Vector512.Load(s); var t = Vector512.Load(s + L); var z = Vector512.Load(s + 2 * L);
            float* wr = w + r;
            var k = Vector512.Create(wr[0]); a0 = Vector512.FusedMultiplyAdd(k, u, a0); b0 = Vector512.FusedMultiplyAdd(k, t, b0); c0 = Vector512.FusedMultiplyAdd(k, z, c0);
            k = Vector512.Create(wr[rs]); a1 = Vector512.FusedMultiplyAdd(k, u, a1); b1 = Vector512.FusedMultiplyAdd(k, t, b1); c1 = Vector512.FusedMultiplyAdd(k, z, c1);
            k = Vector512.Create(wr[2 * rs]); a2 = Vector512.FusedMultiplyAdd(k, u, a2); b2 = Vector512.FusedMultiplyAdd(k, t, b2); c2 = Vector512.FusedMultiplyAdd(k, z, c2);
            k = Vector512.Create(wr[3 * rs]); a3 = Vector512.FusedMultiplyAdd(k, u, a3); b3 = Vector512.FusedMultiplyAdd(k, t, b3); c3 = Vector512.FusedMultiplyAdd(k, z, c3);
            k = Vector512.Create(wr[4 * rs]); a4 = Vector512.FusedMultiplyAdd(k, u, a4); b4 = Vector512.FusedMultiplyAdd(k, t, b4); c4 = Vector512.FusedMultiplyAdd(k, z, c4);
            k = Vector512.Create(wr[5 * rs]); a5 = Vector512.FusedMultiplyAdd(k, u, a5); b5 = Vector512.FusedMultiplyAdd(k, t, b5); c5 = Vector512.FusedMultiplyAdd(k, z, c5);
            k = Vector512.Create(wr[6 * rs]); a6 = Vector512.FusedMultiplyAdd(k, u, a6); b6 = Vector512.FusedMultiplyAdd(k, t, b6); c6 = Vector512.FusedMultiplyAdd(k, z, c6);
            k = Vector512.Create(wr[7 * rs]); a7 = Vector512.FusedMultiplyAdd(k, u, a7); b7 = Vector512.FusedMultiplyAdd(k, t, b7); c7 = Vector512.FusedMultiplyAdd(k, z, c7);
        }
        Act(a0, relu).Store(y); Act(b0, relu).Store(y + L); Act(c0, relu).Store(y + 2 * L); y += q;
        Act(a1, relu).Store(y); Act(b1, relu).Store(y + L); Act(c1, relu).Store(y + 2 * L); y += q;
        Act(a2, relu).Store(y); Act(b2, relu).Store(y + L); Act(c2, relu).Store(y + 2 * L); y += q;
        Act(a3, relu).Store(y); Act(b3, relu).Store(y + L); Act(c3, relu).Store(y + 2 * L); y += q;
        Act(a4, relu).Store(y); Act(b4, relu).Store(y + L); Act(c4, relu).Store(y + 2 * L); y += q;
        Act(a5, relu).Store(y); Act(b5, relu).Store(y + L); Act(c5, relu).Store(y + 2 * L); y += q;
        Act(a6, relu).Store(y); Act(b6, relu).Store(y + L); Act(c6, relu).Store(y + 2 * L); y += q;
        Act(a7, relu).Store(y); Act(b7, relu).Store(y + L); Act(c7, relu).Store(y + 2 * L);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Block8x1(float* x, int* offs, int rows, float* w, float* bias, float* y, int q, bool relu)
    {
        Vector512<float> a0 = Init(bias, 0), a1 = Init(bias, 1), a2 = Init(bias, 2), a3 = Init(bias, 3),
            a4 = Init(bias, 4), a5 = Init(bias, 5), a6 = Init(bias, 6), a7 = Init(bias, 7);
        nint rs = rows;
        for (int r = 0; r < rows; r++)
        {
            var u = Vector512.Load(x + offs[r]);
            float* wr = w + r;
            a0 = Vector512.FusedMultiplyAdd(Vector512.Create(wr[0]), u, a0);
            a1 = Vector512.FusedMultiplyAdd(Vector512.Create(wr[rs]), u, a1);
            a2 = Vector512.FusedMultiplyAdd(Vector512.Create(wr[2 * rs]), u, a2);
            a3 = Vector512.FusedMultiplyAdd(Vector512.Create(wr[3 * rs]), u, a3);
            a4 = Vector512.FusedMultiplyAdd(Vector512.Create(wr[4 * rs]), u, a4);
            a5 = Vector512.FusedMultiplyAdd(Vector512.Create(wr[5 * rs]), u, a5);
            a6 = Vector512.FusedMultiplyAdd(Vector512.Create(wr[6 * rs]), u, a6);
            a7 = Vector512.FusedMultiplyAdd(Vector512.Create(wr[7 * rs]), u, a7);
        }
        Act(a0, relu).Store(y); y += q; Act(a1, relu).Store(y); y += q; Act(a2, relu).Store(y); y += q; Act(a3, relu).Store(y); y += q;
        Act(a4, relu).Store(y); y += q; Act(a5, relu).Store(y); y += q; Act(a6, relu).Store(y); y += q; Act(a7, relu).Store(y);
    }

    /// <summary>Samples whose padded copies and transposed output gradients one weight-gradient step holds.</summary>
    public const int WeightSamples = 4;

    /// <summary>Output channels per register block of <see cref="Weight"/> (4 vectors).</summary>
    public const int WeightChannels = 64;

    /// <summary>Whether <see cref="Weight"/> applies: as <see cref="Supports"/>, with a multiple of 64 output channels per group.</summary>
    public static bool SupportsWeight(in ConvGeometry g) =>
        Vector512.IsHardwareAccelerated && Im2Col.IsUnitStride2d(g) && !g.IsPointwise && g.OutPerGroup % WeightChannels == 0
        && g.ColRows > SmallKConv.MaxRows && g.ColRows <= MaxRows && g.OutSpatial <= MaxPositions && g.OutSpatial > 0;

    /// <summary>bases[p] = where output position p's window starts in the padded sample (row oh, column ow: oh·(OutW + KW - 1) + ow).</summary>
    public static void Bases(int* bases, in ConvGeometry g)
    {
        int wp = g.OutW + g.KW - 1;
        for (int i = 0, p = 0; i < g.OutH; i++)
            for (int j = 0; j < g.OutW; j++) bases[p++] = i * wp + j;
    }

    /// <summary>
    /// dwT[r, o] += Σ over <paramref name="count"/> samples and positions p of x[tap r at p]·dyT[p, o], for taps
    /// [r0, r1) and all og output channels of one group: <paramref name="pads"/> holds the samples' padded copies
    /// (<see cref="PaddedLength"/> apart), <paramref name="dyT"/> their output gradients transposed ([positions, og] per
    /// sample), dwT is [ColRows, og]. 6 taps x 64 channels per register block: each step broadcasts 6 input values and
    /// loads 4 vectors of dY, no horizontal sums; every element is summed in sample, then position order.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Weight(float* pads, float* dyT, int count, int* bases, float* dwT, int r0, int r1, int og, in ConvGeometry g)
    {
        int rows = g.ColRows, p = g.OutSpatial, padLen = PaddedLength(g);
        int* offs = stackalloc int[rows];
        DirectSmallConv.TapOffsets(g, offs);
        for (int r = r0; r < r1; r += 6)
        {
            int rb = Math.Min(6, r1 - r);
            for (int oc = 0; oc < og; oc += WeightChannels)
            {
                if (rb == 6) { Block6x4(pads, padLen, offs + r, bases, dyT + oc, og, p, count, dwT + (long)r * og + oc, og); continue; }
                for (int k = 0; k < rb; k++)
                    for (int j = 0; j < WeightChannels; j += L)
                    {
                        float* dst = dwT + (long)(r + k) * og + oc + j;
                        var a = Vector512.Load(dst);
                        for (int n = 0; n < count; n++)
                        {
                            float* xn = pads + (long)n * padLen + offs[r + k], dn = dyT + (long)n * p * og + oc + j;
                            for (int q = 0; q < p; q++) a = Vector512.FusedMultiplyAdd(Vector512.Create(xn[bases[q]]), Vector512.Load(dn + (long)q * og), a);
                        }
                        a.Store(dst);
                    }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Block6x4(float* pads, int padLen, int* offs, int* bases, float* dyT, int og, int p, int count, float* dst, int ldd)
    {
        nint f0 = offs[0], f1 = offs[1], f2 = offs[2], f3 = offs[3], f4 = offs[4], f5 = offs[5];
        Vector512<float> a00 = Vector512.Load(dst), a01 = Vector512.Load(dst + L), a02 = Vector512.Load(dst + 2 * L), a03 = Vector512.Load(dst + 3 * L);
        float* d1 = dst + ldd;
        Vector512<float> a10 = Vector512.Load(d1), a11 = Vector512.Load(d1 + L), a12 = Vector512.Load(d1 + 2 * L), a13 = Vector512.Load(d1 + 3 * L);
        float* d2 = dst + 2 * ldd;
        Vector512<float> a20 = Vector512.Load(d2), a21 = Vector512.Load(d2 + L), a22 = Vector512.Load(d2 + 2 * L), a23 = Vector512.Load(d2 + 3 * L);
        float* d3 = dst + 3 * ldd;
        Vector512<float> a30 = Vector512.Load(d3), a31 = Vector512.Load(d3 + L), a32 = Vector512.Load(d3 + 2 * L), a33 = Vector512.Load(d3 + 3 * L);
        float* d4 = dst + 4 * ldd;
        Vector512<float> a40 = Vector512.Load(d4), a41 = Vector512.Load(d4 + L), a42 = Vector512.Load(d4 + 2 * L), a43 = Vector512.Load(d4 + 3 * L);
        float* d5 = dst + 5 * ldd;
        Vector512<float> a50 = Vector512.Load(d5), a51 = Vector512.Load(d5 + L), a52 = Vector512.Load(d5 + 2 * L), a53 = Vector512.Load(d5 + 3 * L);
        for (int n = 0; n < count; n++)
        {
            float* xn = pads + (long)n * padLen;
            float* e = dyT + (long)n * p * og;
            for (int q = 0; q < p; q++, e += og)
            {
                float* xb = xn + bases[q];
                var e0 = Vector512.Load(e); var e1 = Vector512.Load(e + L); var e2 = Vector512.Load(e + 2 * L); var e3 = Vector512.Load(e + 3 * L);
                var k = Vector512.Create(xb[f0]);
                a00 = Vector512.FusedMultiplyAdd(k, e0, a00); a01 = Vector512.FusedMultiplyAdd(k, e1, a01); a02 = Vector512.FusedMultiplyAdd(k, e2, a02); a03 = Vector512.FusedMultiplyAdd(k, e3, a03);
                k = Vector512.Create(xb[f1]);
                a10 = Vector512.FusedMultiplyAdd(k, e0, a10); a11 = Vector512.FusedMultiplyAdd(k, e1, a11); a12 = Vector512.FusedMultiplyAdd(k, e2, a12); a13 = Vector512.FusedMultiplyAdd(k, e3, a13);
                k = Vector512.Create(xb[f2]);
                a20 = Vector512.FusedMultiplyAdd(k, e0, a20); a21 = Vector512.FusedMultiplyAdd(k, e1, a21); a22 = Vector512.FusedMultiplyAdd(k, e2, a22); a23 = Vector512.FusedMultiplyAdd(k, e3, a23);
                k = Vector512.Create(xb[f3]);
                a30 = Vector512.FusedMultiplyAdd(k, e0, a30); a31 = Vector512.FusedMultiplyAdd(k, e1, a31); a32 = Vector512.FusedMultiplyAdd(k, e2, a32); a33 = Vector512.FusedMultiplyAdd(k, e3, a33);
                k = Vector512.Create(xb[f4]);
                a40 = Vector512.FusedMultiplyAdd(k, e0, a40); a41 = Vector512.FusedMultiplyAdd(k, e1, a41); a42 = Vector512.FusedMultiplyAdd(k, e2, a42); a43 = Vector512.FusedMultiplyAdd(k, e3, a43);
                k = Vector512.Create(xb[f5]);
                a50 = Vector512.FusedMultiplyAdd(k, e0, a50); a51 = Vector512.FusedMultiplyAdd(k, e1, a51); a52 = Vector512.FusedMultiplyAdd(k, e2, a52); a53 = Vector512.FusedMultiplyAdd(k, e3, a53);
            }
        }
        a00.Store(dst); a01.Store(dst + L); a02.Store(dst + 2 * L); a03.Store(dst + 3 * L);
        a10.Store(d1); a11.Store(d1 + L); a12.Store(d1 + 2 * L); a13.Store(d1 + 3 * L);
        a20.Store(d2); a21.Store(d2 + L); a22.Store(d2 + 2 * L); a23.Store(d2 + 3 * L);
        a30.Store(d3); a31.Store(d3 + L); a32.Store(d3 + 2 * L); a33.Store(d3 + 3 * L);
        a40.Store(d4); a41.Store(d4 + L); a42.Store(d4 + 2 * L); a43.Store(d4 + 3 * L);
        a50.Store(d5); a51.Store(d5 + L); a52.Store(d5 + 2 * L); a53.Store(d5 + 3 * L);
    }
}
