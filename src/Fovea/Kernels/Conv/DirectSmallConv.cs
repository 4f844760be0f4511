using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Fovea.Kernels;

/// <summary>
/// Direct convolution for layers with few im2col rows (at most <see cref="SmallKConv.MaxRows"/>: a first layer on
/// 1–3 channel images), stride 1 and dilation 1 on a 1-D or 2-D input, output rows at least 16 wide, with AVX-512.
/// Both passes read a zero-padded copy of the sample ([channel][OutH + KH - 1][OutW + KW - 1]) directly: no im2col
/// matrix is written. 16 positions of an output row per vector (a row's last vector overlaps the one before it when the
/// width is not a multiple of 16).
/// <list type="bullet">
/// <item>forward: 8 output channels x 2 vectors of a row per register block; every output is bias + Σ_r w[o,r]·x as
/// fused multiply-adds in tap order (the order of im2col + <see cref="SmallKConv.Forward"/>);</item>
/// <item>weight gradient: 4 output channels x 3 taps per register block, summed over the batch in 16 lanes, reduced once
/// at the end. Each dW element is summed in an order fixed by the geometry (threads split the output channels).</item>
/// </list>
/// </summary>
internal static unsafe class DirectSmallConv
{
    const int L = 16;

    /// <summary>Whether these kernels apply to <paramref name="g"/>.</summary>
    public static bool Supports(in ConvGeometry g) =>
        Vector512.IsHardwareAccelerated && g.OutW >= L && g.ColRows <= SmallKConv.MaxRows && !g.IsPointwise && Im2Col.IsUnitStride2d(g);

    /// <summary>Floats of one padded sample group: InPerGroup planes of (OutH + KH - 1) x (OutW + KW - 1).</summary>
    public static int PaddedLength(in ConvGeometry g) => g.InPerGroup * (g.OutH + g.KH - 1) * (g.OutW + g.KW - 1);

    /// <summary>Writes the zero-padded copy of one sample group (InPerGroup channels of InSpatial values at x) to pad.</summary>
    public static void Pad(float* x, float* pad, in ConvGeometry g)
    {
        int hp = g.OutH + g.KH - 1, wp = g.OutW + g.KW - 1, plane = hp * wp;
        int a = Math.Min(g.PW, wp), b = Math.Clamp(g.PW + g.InW, a, wp);
        for (int c = 0; c < g.InPerGroup; c++)
            for (int i = 0; i < hp; i++)
            {
                float* d = pad + (long)c * plane + i * wp;
                int ih = i - g.PH;
                if ((uint)ih >= (uint)g.InH || a >= b) { new Span<float>(d, wp).Clear(); continue; }
                new Span<float>(d, a).Clear();
                new ReadOnlySpan<float>(x + (long)c * g.InSpatial + (long)ih * g.InW + (a - g.PW), b - a).CopyTo(new Span<float>(d + a, b - a));
                new Span<float>(d + b, wp - b).Clear();
            }
    }

    // Offsets of the taps r = (c, kh, kw) in the padded sample, in im2col row order.
    static void TapOffsets(in ConvGeometry g, int* offs)
    {
        int hp = g.OutH + g.KH - 1, wp = g.OutW + g.KW - 1, ks = g.KernelSize;
        for (int r = 0; r < g.ColRows; r++)
        {
            int c = r / ks, t = r - c * ks, kh = t / g.KW, kw = t - kh * g.KW;
            offs[r] = c * hp * wp + kh * wp + kw;
        }
    }

    static int VecStart(int v, int ow) => Math.Min(v * L, ow - L);

    /// <summary>
    /// y[o, p] = bias[o] + Σ_r w[o, r]·x[tap r at p] for one sample group: <paramref name="pad"/> from <see cref="Pad"/>,
    /// w row-major [og, ColRows], y [og, OutSpatial]. Requires <see cref="Supports"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward(float* pad, float* w, float* bias, float* y, int og, in ConvGeometry g)
    {
        int rows = g.ColRows, ow = g.OutW, oh = g.OutH, wp = g.OutW + g.KW - 1, p = g.OutSpatial;
        int vecs = (ow + L - 1) / L;
        int* offs = stackalloc int[rows];
        TapOffsets(g, offs);
        for (int o0 = 0; o0 < og; o0 += 8)
        {
            int ob = Math.Min(8, og - o0);
            float* wo = w + (long)o0 * rows;
            for (int i = 0; i < oh; i++)
            {
                float* prow = pad + i * wp;
                float* yrow = y + (long)o0 * p + i * ow;
                int v = 0;
                if (ob == 8)
                    for (; v + 2 <= vecs; v += 2)
                        Block8x2(prow + VecStart(v, ow), prow + VecStart(v + 1, ow), offs, rows, wo, bias == null ? null : bias + o0,
                            yrow + VecStart(v, ow), yrow + VecStart(v + 1, ow), p);
                for (; v < vecs; v++)
                {
                    int s = VecStart(v, ow);
                    for (int o = 0; o < ob; o++)
                    {
                        var acc = Vector512.Create(bias == null ? 0f : bias[o0 + o]);
                        float* wr = wo + o * rows;
                        for (int r = 0; r < rows; r++)
                            acc = Vector512.FusedMultiplyAdd(Vector512.Create(wr[r]), Vector512.Load(prow + s + offs[r]), acc);
                        acc.Store(yrow + (long)o * p + s);
                    }
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Block8x2(float* x0, float* x1, int* offs, int rows, float* w, float* bias, float* y0, float* y1, int p)
    {
        Vector512<float> a0, a1, a2, a3, a4, a5, a6, a7, b0, b1, b2, b3, b4, b5, b6, b7;
        if (bias == null)
        {
            a0 = a1 = a2 = a3 = a4 = a5 = a6 = a7 = Vector512<float>.Zero;
        }
        else
        {
            a0 = Vector512.Create(bias[0]); a1 = Vector512.Create(bias[1]); a2 = Vector512.Create(bias[2]); a3 = Vector512.Create(bias[3]);
            a4 = Vector512.Create(bias[4]); a5 = Vector512.Create(bias[5]); a6 = Vector512.Create(bias[6]); a7 = Vector512.Create(bias[7]);
        }
        b0 = a0; b1 = a1; b2 = a2; b3 = a3; b4 = a4; b5 = a5; b6 = a6; b7 = a7;
        nint rs = rows;
        for (int r = 0; r < rows; r++)
        {
            int off = offs[r];
            var u = Vector512.Load(x0 + off);
            var t = Vector512.Load(x1 + off);
            float* wr = w + r;
            var k = Vector512.Create(wr[0]); a0 = Vector512.FusedMultiplyAdd(k, u, a0); b0 = Vector512.FusedMultiplyAdd(k, t, b0);
            k = Vector512.Create(wr[rs]); a1 = Vector512.FusedMultiplyAdd(k, u, a1); b1 = Vector512.FusedMultiplyAdd(k, t, b1);
            k = Vector512.Create(wr[2 * rs]); a2 = Vector512.FusedMultiplyAdd(k, u, a2); b2 = Vector512.FusedMultiplyAdd(k, t, b2);
            k = Vector512.Create(wr[3 * rs]); a3 = Vector512.FusedMultiplyAdd(k, u, a3); b3 = Vector512.FusedMultiplyAdd(k, t, b3);
            k = Vector512.Create(wr[4 * rs]); a4 = Vector512.FusedMultiplyAdd(k, u, a4); b4 = Vector512.FusedMultiplyAdd(k, t, b4);
            k = Vector512.Create(wr[5 * rs]); a5 = Vector512.FusedMultiplyAdd(k, u, a5); b5 = Vector512.FusedMultiplyAdd(k, t, b5);
            k = Vector512.Create(wr[6 * rs]); a6 = Vector512.FusedMultiplyAdd(k, u, a6); b6 = Vector512.FusedMultiplyAdd(k, t, b6);
            k = Vector512.Create(wr[7 * rs]); a7 = Vector512.FusedMultiplyAdd(k, u, a7); b7 = Vector512.FusedMultiplyAdd(k, t, b7);
        }
        // The second vector may overlap the first (same values): store it first so the first's store wins nothing it differs on.
        b0.Store(y1); b1.Store(y1 + p); b2.Store(y1 + 2 * p); b3.Store(y1 + 3 * p);
        b4.Store(y1 + 4 * p); b5.Store(y1 + 5 * p); b6.Store(y1 + 6 * p); b7.Store(y1 + 7 * p);
        a0.Store(y0); a1.Store(y0 + p); a2.Store(y0 + 2 * p); a3.Store(y0 + 3 * p);
        a4.Store(y0 + 4 * p); a5.Store(y0 + 5 * p); a6.Store(y0 + 6 * p); a7.Store(y0 + 7 * p);
    }

    /// <summary>
    /// dw[o, r] = Σ over the batch and positions of dy[n, o, p]·x[n, tap r at p] for output channels [o0, o1) of one
    /// group (o relative to the group): <paramref name="pads"/> holds the padded copies of all Batch samples of the group
    /// (<see cref="PaddedLength"/> apart), dy points at sample 0's first channel of the group (samples
    /// <c>OutChannels·OutSpatial</c> apart), dw at the group's [og, ColRows] block. Overwrites dw[o0..o1).
    /// Requires <see cref="Supports"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Weight(float* pads, float* dy, float* dw, int o0, int o1, in ConvGeometry g)
    {
        int rows = g.ColRows, p = g.OutSpatial, padLen = PaddedLength(g);
        long dyStride = (long)g.OutChannels * p;
        int* offs = stackalloc int[rows];
        TapOffsets(g, offs);
        // Lane sums per (output of the block, tap): 4 x rows vectors.
        var acc = stackalloc Vector512<float>[4 * SmallKConv.MaxRows];
        for (int o = o0; o < o1; o += 4)
        {
            int ob = Math.Min(4, o1 - o);
            for (int i = 0; i < 4 * rows; i++) acc[i] = Vector512<float>.Zero;
            for (int n = 0; n < g.Batch; n++)
            {
                float* pn = pads + (long)n * padLen;
                float* dn = dy + n * dyStride + (long)o * p;
                for (int r = 0; r < rows; r += 3)
                {
                    int rb = Math.Min(3, rows - r);
                    if (ob == 4 && rb == 3) Block4x3(pn, dn, p, offs + r, acc + r, rows, g);
                    else
                        for (int j = 0; j < ob; j++)
                            for (int q = r; q < r + rb; q++)
                                Block1x1(pn + offs[q], dn + (long)j * p, acc + j * rows + q, g);
                }
            }
            for (int j = 0; j < ob; j++)
                for (int r = 0; r < rows; r++)
                    dw[(long)(o + j) * rows + r] = Vector512.Sum(acc[j * rows + r]);
        }
    }

    // Mask of the lanes of a row's last vector that the vector before it did not cover.
    static Vector512<float> TailMask(int ow)
    {
        int covered = ow / L * L - (ow - L);   // lanes [0, covered) of the last vector were already summed
        var lane = Vector512.Create(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
        return Vector512.GreaterThanOrEqual(lane, Vector512.Create(covered)).AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Block4x3(float* pn, float* dn, int p, int* offs, Vector512<float>* acc, int rows, in ConvGeometry g)
    {
        int ow = g.OutW, oh = g.OutH, wp = g.OutW + g.KW - 1, full = ow / L, s = ow - L;
        bool tail = ow % L != 0;
        var mask = TailMask(ow);
        var a00 = acc[0]; var a01 = acc[1]; var a02 = acc[2];
        var a10 = acc[rows]; var a11 = acc[rows + 1]; var a12 = acc[rows + 2];
        var a20 = acc[2 * rows]; var a21 = acc[2 * rows + 1]; var a22 = acc[2 * rows + 2];
        var a30 = acc[3 * rows]; var a31 = acc[3 * rows + 1]; var a32 = acc[3 * rows + 2];
        float* x0 = pn + offs[0], x1 = pn + offs[1], x2 = pn + offs[2];
        for (int i = 0; i < oh; i++)
        {
            float* xr0 = x0 + i * wp, xr1 = x1 + i * wp, xr2 = x2 + i * wp, d = dn + i * ow;
            for (int v = 0; v <= full; v++)
            {
                Vector512<float> d0, d1, d2, d3, u, t, z;
                if (v < full)
                {
                    int q = v * L;
                    d0 = Vector512.Load(d + q); d1 = Vector512.Load(d + p + q); d2 = Vector512.Load(d + 2 * p + q); d3 = Vector512.Load(d + 3 * p + q);
                    u = Vector512.Load(xr0 + q); t = Vector512.Load(xr1 + q); z = Vector512.Load(xr2 + q);
                }
                else if (tail)
                {
                    // The row's last vector overlaps the one before: its already summed lanes are zeroed in both
                    // operands (so an infinite x there adds nothing either).
                    d0 = Vector512.Load(d + s) & mask; d1 = Vector512.Load(d + p + s) & mask; d2 = Vector512.Load(d + 2 * p + s) & mask; d3 = Vector512.Load(d + 3 * p + s) & mask;
                    u = Vector512.Load(xr0 + s) & mask; t = Vector512.Load(xr1 + s) & mask; z = Vector512.Load(xr2 + s) & mask;
                }
                else break;
                a00 = Vector512.FusedMultiplyAdd(d0, u, a00); a01 = Vector512.FusedMultiplyAdd(d0, t, a01); a02 = Vector512.FusedMultiplyAdd(d0, z, a02);
                a10 = Vector512.FusedMultiplyAdd(d1, u, a10); a11 = Vector512.FusedMultiplyAdd(d1, t, a11); a12 = Vector512.FusedMultiplyAdd(d1, z, a12);
                a20 = Vector512.FusedMultiplyAdd(d2, u, a20); a21 = Vector512.FusedMultiplyAdd(d2, t, a21); a22 = Vector512.FusedMultiplyAdd(d2, z, a22);
                a30 = Vector512.FusedMultiplyAdd(d3, u, a30); a31 = Vector512.FusedMultiplyAdd(d3, t, a31); a32 = Vector512.FusedMultiplyAdd(d3, z, a32);
            }
        }
        acc[0] = a00; acc[1] = a01; acc[2] = a02;
        acc[rows] = a10; acc[rows + 1] = a11; acc[rows + 2] = a12;
        acc[2 * rows] = a20; acc[2 * rows + 1] = a21; acc[2 * rows + 2] = a22;
        acc[3 * rows] = a30; acc[3 * rows + 1] = a31; acc[3 * rows + 2] = a32;
    }

    // One output channel x one tap: the same lane sums as Block4x3 computes for each of its pairs.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Block1x1(float* x, float* d, Vector512<float>* acc, in ConvGeometry g)
    {
        int ow = g.OutW, oh = g.OutH, wp = g.OutW + g.KW - 1, full = ow / L;
        var mask = TailMask(ow);
        var a = *acc;
        for (int i = 0; i < oh; i++)
        {
            float* xr = x + i * wp, dr = d + i * ow;
            for (int v = 0; v < full; v++)
                a = Vector512.FusedMultiplyAdd(Vector512.Load(dr + v * L), Vector512.Load(xr + v * L), a);
            if (ow % L != 0)
            {
                int s = ow - L;
                a = Vector512.FusedMultiplyAdd(Vector512.Load(dr + s) & mask, Vector512.Load(xr + s) & mask, a);
            }
        }
        *acc = a;
    }
}
