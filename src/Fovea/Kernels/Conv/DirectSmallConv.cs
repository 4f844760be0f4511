using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Fovea.Kernels;

/// <summary>
/// Direct convolution for layers with few im2col rows (at most <see cref="SmallKConv.MaxRows"/>: a first layer on
/// 1–3 channel images), stride 1 and dilation 1 on a 1-D or 2-D input, output rows at least 16 wide, with AVX-512.
/// The forward pass reads a zero-padded copy of the sample ([channel][OutH + KH - 1][OutW + KW - 1]) directly: no
/// im2col matrix is written. 16 positions of an output row per vector (a row's last vector overlaps the one before it
/// when the width is not a multiple of 16); 8 output channels x 2 vectors of a row per register block; every output is
/// bias + Σ_r w[o,r]·x as fused multiply-adds in tap order (the order of im2col + <see cref="SmallKConv.Forward"/>).
/// A direct weight gradient (4 channels x 3 taps per register block, lane sums over the batch) was tried and removed:
/// inside the training step it measured 0.9 ms on shape a against 0.14 ms for im2col + SmallKConv (bench/NOTES.md).
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
                // The borders are a float or two: plain stores, not span calls (this runs for every row of a sample).
                for (int j = 0; j < a; j++) d[j] = 0;
                Unsafe.CopyBlockUnaligned(d + a, x + (long)c * g.InSpatial + (long)ih * g.InW + (a - g.PW), (uint)(b - a) * sizeof(float));
                for (int j = b; j < wp; j++) d[j] = 0;
            }
    }

    /// <summary>Offsets of the taps r = (c, kh, kw) in the padded sample (<see cref="Pad"/>), in im2col row order.</summary>
    internal static void TapOffsets(in ConvGeometry g, int* offs)
    {
        // Nested loops, not r / KernelSize and t / KW: two integer divisions per tap were ~2.5% of a batch-1 forward.
        int hp = g.OutH + g.KH - 1, wp = g.OutW + g.KW - 1, channels = g.ColRows / g.KernelSize, r = 0;
        for (int c = 0; c < channels; c++)
            for (int kh = 0; kh < g.KH; kh++)
                for (int kw = 0; kw < g.KW; kw++)
                    offs[r++] = c * hp * wp + kh * wp + kw;
    }

    static int VecStart(int v, int ow) => Math.Min(v * L, ow - L);

    /// <summary>
    /// y[o, p] = bias[o] + Σ_r w[o, r]·x[tap r at p] for one sample group: <paramref name="pad"/> from <see cref="Pad"/>,
    /// w row-major [og, ColRows], y [og, OutSpatial]. Requires <see cref="Supports"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward(float* pad, float* w, float* bias, float* y, int og, in ConvGeometry g, bool relu = false)
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
                            yrow + VecStart(v, ow), yrow + VecStart(v + 1, ow), p, relu);
                for (; v < vecs; v++)
                {
                    int s = VecStart(v, ow);
                    for (int o = 0; o < ob; o++)
                    {
                        var acc = Vector512.Create(bias == null ? 0f : bias[o0 + o]);
                        float* wr = wo + o * rows;
                        for (int r = 0; r < rows; r++)
                            acc = Vector512.FusedMultiplyAdd(Vector512.Create(wr[r]), Vector512.Load(prow + s + offs[r]), acc);
                        (relu ? Vector512.Max(acc, Vector512<float>.Zero) : acc).Store(yrow + (long)o * p + s);
                    }
                }
            }
        }
    }

    /// <summary>8 output channels x 2 vectors of positions (x0 and x1, which may overlap, stored to y0 and y1, output
    /// channels p floats apart); also ImplicitConv's block for two leftover vectors of its grid.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Block8x2(float* x0, float* x1, int* offs, int rows, float* w, float* bias, float* y0, float* y1, int p, bool relu)
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
        if (relu)
        {
            // The fused ReLU: the same Vector512.Max as ReluOp's pass over the output.
            var z = Vector512<float>.Zero;
            a0 = Vector512.Max(a0, z); a1 = Vector512.Max(a1, z); a2 = Vector512.Max(a2, z); a3 = Vector512.Max(a3, z);
            a4 = Vector512.Max(a4, z); a5 = Vector512.Max(a5, z); a6 = Vector512.Max(a6, z); a7 = Vector512.Max(a7, z);
            b0 = Vector512.Max(b0, z); b1 = Vector512.Max(b1, z); b2 = Vector512.Max(b2, z); b3 = Vector512.Max(b3, z);
            b4 = Vector512.Max(b4, z); b5 = Vector512.Max(b5, z); b6 = Vector512.Max(b6, z); b7 = Vector512.Max(b7, z);
        }
        // The second vector may overlap the first (same values): store it first so the first's store wins nothing it differs on.
        b0.Store(y1); b1.Store(y1 + p); b2.Store(y1 + 2 * p); b3.Store(y1 + 3 * p);
        b4.Store(y1 + 4 * p); b5.Store(y1 + 5 * p); b6.Store(y1 + 6 * p); b7.Store(y1 + 7 * p);
        a0.Store(y0); a1.Store(y0 + p); a2.Store(y0 + 2 * p); a3.Store(y0 + 3 * p);
        a4.Store(y0 + 4 * p); a5.Store(y0 + 5 * p); a6.Store(y0 + 6 * p); a7.Store(y0 + 7 * p);
    }
}
