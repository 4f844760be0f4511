using System.Runtime.CompilerServices;

namespace Fovea.Kernels;

/// <summary>
/// Resampling of contiguous [planes, D, H, W] buffers: nearest (a gather through per-axis index maps) and
/// separable linear/cubic interpolation (per-axis tap tables of indices and weights), with their adjoints. The
/// tables follow PyTorch: see <see cref="NearestMap"/>, <see cref="LinearTaps"/> and <see cref="CubicTaps"/>.
/// </summary>
public static unsafe class InterpolateKernel
{
    /// <summary>
    /// PyTorch's source index per output index for 'nearest' (legacy): identity when sizes match, i/2 when doubling,
    /// else min(floor(i·scale), in-1) in float; for 'nearest-exact' (<paramref name="exact"/>): min(floor((i+0.5)·scale), in-1).
    /// The scale is 1/scaleFactor when one was given, else in/out.
    /// </summary>
    public static int[] NearestMap(int inSize, int outSize, double? scaleFactor, bool exact = false)
    {
        var map = new int[outSize];
        float scale = scaleFactor is double s && s > 0 ? (float)(1.0 / s) : (float)inSize / outSize;
        for (int i = 0; i < outSize; i++)
        {
            if (exact) map[i] = Math.Min((int)MathF.Floor((i + 0.5f) * scale), inSize - 1);
            else if (outSize == inSize) map[i] = i;
            else if (outSize == 2 * inSize) map[i] = i >> 1;
            else map[i] = Math.Min((int)MathF.Floor(i * scale), inSize - 1);
        }
        return map;
    }

    /// <summary>y[n, d, h, w] = x[n, mapD[d], mapH[h], mapW[w]].</summary>
    public static void NearestForward(ReadOnlySpan<float> x, Span<float> y, int planes, int inD, int inH, int inW, int[] mapD, int[] mapH, int[] mapW)
        => Nearest(x, y, planes, inD, inH, inW, mapD, mapH, mapW, backward: false);

    /// <summary>Adjoint of <see cref="NearestForward"/>: gx (overwritten) accumulates g through the maps.</summary>
    public static void NearestBackward(ReadOnlySpan<float> g, Span<float> gx, int planes, int inD, int inH, int inW, int[] mapD, int[] mapH, int[] mapW)
        => Nearest(g, gx, planes, inD, inH, inW, mapD, mapH, mapW, backward: true);

    static void Nearest(ReadOnlySpan<float> a, Span<float> b, int planes, int inD, int inH, int inW, int[] mapD, int[] mapH, int[] mapW, bool backward)
    {
        int inP = inD * inH * inW, outP = mapD.Length * mapH.Length * mapW.Length;
        int aP = backward ? outP : inP, bP = backward ? inP : outP;
        if (a.Length < planes * aP || b.Length < planes * bP) throw new ArgumentException("InterpolateKernel.Nearest: buffer too small.");
        if (backward) b.Slice(0, planes * inP).Clear();
        if (planes == 0 || outP == 0) return;
        fixed (float* pa = a, pb = b)
        {
            nint aa = (nint)pa, ab = (nint)pb;
            PlaneLoop.Run(planes, outP, (lo, hi) =>
            {
                for (int n = lo; n < hi; n++)
                {
                    float* src = (float*)aa + (long)n * aP, dst = (float*)ab + (long)n * bP;
                    if (backward) NearestPlaneBackward(src, dst, inH, inW, mapD, mapH, mapW);
                    else NearestPlane(src, dst, inH, inW, mapD, mapH, mapW);
                }
            });
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void NearestPlane(float* x, float* y, int inH, int inW, int[] mapD, int[] mapH, int[] mapW)
    {
        int o = 0;
        for (int d = 0; d < mapD.Length; d++)
            for (int h = 0; h < mapH.Length; h++)
            {
                float* row = x + (mapD[d] * inH + mapH[h]) * inW;
                for (int w = 0; w < mapW.Length; w++) y[o++] = row[mapW[w]];
            }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void NearestPlaneBackward(float* g, float* gx, int inH, int inW, int[] mapD, int[] mapH, int[] mapW)
    {
        int o = 0;
        for (int d = 0; d < mapD.Length; d++)
            for (int h = 0; h < mapH.Length; h++)
            {
                float* row = gx + (mapD[d] * inH + mapH[h]) * inW;
                for (int w = 0; w < mapW.Length; w++) row[mapW[w]] += g[o++];
            }
    }

    /// <summary>
    /// One axis of a separable interpolation: output i reads Σ_t Weight[i·Taps + t] · x[Index[i·Taps + t]].
    /// </summary>
    public sealed record TapTable(int Taps, int[] Index, float[] Weight)
    {
        public int OutSize => Index.Length / Taps;
        /// <summary>The identity on a size-1 axis (for the unused leading axes of 1-D and 2-D inputs).</summary>
        public static TapTable Identity => new(1, [0], [1f]);
    }

    /// <summary>
    /// PyTorch's source position of output i: scale·i with align_corners (scale = (in-1)/(out-1)), else
    /// scale·(i+0.5)-0.5 with scale 1/scaleFactor when given, else in/out; clamped at 0 except for cubic.
    /// </summary>
    static float SourcePosition(int i, float scale, bool alignCorners, bool cubic)
    {
        if (alignCorners) return scale * i;
        float src = scale * (i + 0.5f) - 0.5f;
        return !cubic && src < 0 ? 0f : src;
    }

    static float AreaScale(int inSize, int outSize, bool alignCorners, double? scaleFactor)
        => alignCorners ? (outSize > 1 ? (float)(inSize - 1) / (outSize - 1) : 0f)
            : scaleFactor is double s && s > 0 ? (float)(1.0 / s) : (float)inSize / outSize;

    /// <summary>Linear interpolation taps: (1-λ)·x[i0] + λ·x[i1], i1 = i0 + 1 except at the last input.</summary>
    public static TapTable LinearTaps(int inSize, int outSize, bool alignCorners, double? scaleFactor)
    {
        var idx = new int[2 * outSize];
        var w = new float[2 * outSize];
        float scale = AreaScale(inSize, outSize, alignCorners, scaleFactor);
        for (int i = 0; i < outSize; i++)
        {
            float src = SourcePosition(i, scale, alignCorners, cubic: false);
            int a = Math.Min((int)MathF.Floor(src), inSize - 1);
            float lam = Math.Clamp(src - a, 0f, 1f);
            idx[2 * i] = a;
            idx[2 * i + 1] = a + (a < inSize - 1 ? 1 : 0);
            w[2 * i] = 1f - lam;
            w[2 * i + 1] = lam;
        }
        return new TapTable(2, idx, w);
    }

    /// <summary>
    /// Cubic convolution taps (Keys, A = -0.75, like PyTorch's bicubic): inputs floor(src)-1 .. floor(src)+2,
    /// clamped to the edge, with weights from t = src - floor(src).
    /// </summary>
    public static TapTable CubicTaps(int inSize, int outSize, bool alignCorners, double? scaleFactor)
    {
        const float A = -0.75f;
        static float C1(float x) => ((A + 2) * x - (A + 3)) * x * x + 1;
        static float C2(float x) => ((A * x - 5 * A) * x + 8 * A) * x - 4 * A;
        var idx = new int[4 * outSize];
        var w = new float[4 * outSize];
        float scale = AreaScale(inSize, outSize, alignCorners, scaleFactor);
        for (int i = 0; i < outSize; i++)
        {
            float src = SourcePosition(i, scale, alignCorners, cubic: true);
            int a = (int)MathF.Floor(src);
            float t = src - a;
            w[4 * i] = C2(t + 1f);
            w[4 * i + 1] = C1(t);
            w[4 * i + 2] = C1(1f - t);
            w[4 * i + 3] = C2(2f - t);
            for (int k = 0; k < 4; k++) idx[4 * i + k] = Math.Clamp(a - 1 + k, 0, inSize - 1);
        }
        return new TapTable(4, idx, w);
    }

    /// <summary>Separable resampling of [planes, D, H, W]: y = Σ over taps of wd·wh·ww·x (outer axis first).</summary>
    public static void SeparableForward(ReadOnlySpan<float> x, Span<float> y, int planes, int inD, int inH, int inW, TapTable td, TapTable th, TapTable tw)
        => Separable(x, y, planes, inD, inH, inW, td, th, tw, backward: false);

    /// <summary>Adjoint of <see cref="SeparableForward"/>; gx is overwritten.</summary>
    public static void SeparableBackward(ReadOnlySpan<float> g, Span<float> gx, int planes, int inD, int inH, int inW, TapTable td, TapTable th, TapTable tw)
        => Separable(g, gx, planes, inD, inH, inW, td, th, tw, backward: true);

    static void Separable(ReadOnlySpan<float> a, Span<float> b, int planes, int inD, int inH, int inW, TapTable td, TapTable th, TapTable tw, bool backward)
    {
        int inP = inD * inH * inW, outP = td.OutSize * th.OutSize * tw.OutSize;
        int aP = backward ? outP : inP, bP = backward ? inP : outP;
        if (a.Length < planes * aP || b.Length < planes * bP) throw new ArgumentException("InterpolateKernel.Separable: buffer too small.");
        if (backward) b.Slice(0, planes * inP).Clear();
        if (planes == 0 || outP == 0) return;
        fixed (float* pa = a, pb = b)
        {
            nint aa = (nint)pa, ab = (nint)pb;
            PlaneLoop.Run(planes, (long)outP * td.Taps * th.Taps * tw.Taps, (lo, hi) =>
            {
                for (int n = lo; n < hi; n++)
                    SeparablePlane((float*)aa + (long)n * aP, (float*)ab + (long)n * bP, inH, inW, td, th, tw, backward);
            });
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void SeparablePlane(float* a, float* b, int inH, int inW, TapTable td, TapTable th, TapTable tw, bool backward)
    {
        int o = 0;
        int nd = td.Taps, nh = th.Taps, nw = tw.Taps;
        int[] wIdx = tw.Index;
        float[] wW = tw.Weight;
        for (int od = 0; od < td.OutSize; od++)
            for (int oh = 0; oh < th.OutSize; oh++)
                for (int ow = 0; ow < tw.OutSize; ow++, o++)
                {
                    if (!backward)
                    {
                        float acc = 0f;
                        for (int i = 0; i < nd; i++)
                        {
                            int plane = td.Index[od * nd + i] * inH;
                            float accH = 0f;
                            for (int j = 0; j < nh; j++)
                            {
                                float* row = a + (long)(plane + th.Index[oh * nh + j]) * inW;
                                float accW = 0f;
                                for (int k = 0; k < nw; k++) accW += wW[ow * nw + k] * row[wIdx[ow * nw + k]];
                                accH += th.Weight[oh * nh + j] * accW;
                            }
                            acc += td.Weight[od * nd + i] * accH;
                        }
                        b[o] = acc;
                    }
                    else
                    {
                        float g = a[o];
                        for (int i = 0; i < nd; i++)
                        {
                            int plane = td.Index[od * nd + i] * inH;
                            float gd = g * td.Weight[od * nd + i];
                            for (int j = 0; j < nh; j++)
                            {
                                float* row = b + (long)(plane + th.Index[oh * nh + j]) * inW;
                                float gh = gd * th.Weight[oh * nh + j];
                                for (int k = 0; k < nw; k++) row[wIdx[ow * nw + k]] += gh * wW[ow * nw + k];
                            }
                        }
                    }
                }
    }
}
