using System.Runtime.CompilerServices;

namespace Fovea.Kernels;

/// <summary>
/// Resampling of contiguous [planes, D, H, W] buffers: nearest (a gather through per-axis index maps) and bilinear
/// over the last two axes (per-axis corner indices and weights), with their adjoints. The index maps follow
/// PyTorch: see <see cref="NearestMap"/> and <see cref="LinearMap"/>.
/// </summary>
public static unsafe class InterpolateKernel
{
    /// <summary>
    /// PyTorch's legacy 'nearest' source index per output index: identity when sizes match, i/2 when doubling,
    /// else min(floor(i·scale), in-1) in float, where scale is 1/scaleFactor when one was given, else in/out.
    /// </summary>
    public static int[] NearestMap(int inSize, int outSize, double? scaleFactor)
    {
        var map = new int[outSize];
        float scale = scaleFactor is double s && s > 0 ? (float)(1.0 / s) : (float)inSize / outSize;
        for (int i = 0; i < outSize; i++)
        {
            if (outSize == inSize) map[i] = i;
            else if (outSize == 2 * inSize) map[i] = i >> 1;
            else map[i] = Math.Min((int)MathF.Floor(i * scale), inSize - 1);
        }
        return map;
    }

    /// <summary>
    /// Linear interpolation corners: output i reads (1-λ)·x[i0] + λ·x[i1]. Source position is scale·i for
    /// align_corners (scale = (in-1)/(out-1)), else max(scale·(i+0.5)-0.5, 0) with scale 1/scaleFactor or in/out.
    /// </summary>
    public static (int[] i0, int[] i1, float[] lambda) LinearMap(int inSize, int outSize, bool alignCorners, double? scaleFactor)
    {
        var i0 = new int[outSize];
        var i1 = new int[outSize];
        var lam = new float[outSize];
        float scale = alignCorners ? (outSize > 1 ? (float)(inSize - 1) / (outSize - 1) : 0f)
            : scaleFactor is double s && s > 0 ? (float)(1.0 / s) : (float)inSize / outSize;
        for (int i = 0; i < outSize; i++)
        {
            float src = alignCorners ? scale * i : Math.Max(scale * (i + 0.5f) - 0.5f, 0f);
            int a = Math.Min((int)MathF.Floor(src), inSize - 1);
            i0[i] = a;
            i1[i] = a + (a < inSize - 1 ? 1 : 0);
            lam[i] = Math.Clamp(src - a, 0f, 1f);
        }
        return (i0, i1, lam);
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

    /// <summary>Bilinear over [planes, H, W]: y = (1-λh)((1-λw)x00 + λw x01) + λh((1-λw)x10 + λw x11).</summary>
    public static void BilinearForward(ReadOnlySpan<float> x, Span<float> y, int planes, int inH, int inW,
        (int[] i0, int[] i1, float[] lambda) mh, (int[] i0, int[] i1, float[] lambda) mw)
        => Bilinear(x, y, planes, inH, inW, mh, mw, backward: false);

    /// <summary>Adjoint of <see cref="BilinearForward"/>; gx is overwritten.</summary>
    public static void BilinearBackward(ReadOnlySpan<float> g, Span<float> gx, int planes, int inH, int inW,
        (int[] i0, int[] i1, float[] lambda) mh, (int[] i0, int[] i1, float[] lambda) mw)
        => Bilinear(g, gx, planes, inH, inW, mh, mw, backward: true);

    static void Bilinear(ReadOnlySpan<float> a, Span<float> b, int planes, int inH, int inW,
        (int[] i0, int[] i1, float[] lambda) mh, (int[] i0, int[] i1, float[] lambda) mw, bool backward)
    {
        int inP = inH * inW, outP = mh.i0.Length * mw.i0.Length;
        int aP = backward ? outP : inP, bP = backward ? inP : outP;
        if (a.Length < planes * aP || b.Length < planes * bP) throw new ArgumentException("InterpolateKernel.Bilinear: buffer too small.");
        if (backward) b.Slice(0, planes * inP).Clear();
        if (planes == 0 || outP == 0) return;
        fixed (float* pa = a, pb = b)
        {
            nint aa = (nint)pa, ab = (nint)pb;
            PlaneLoop.Run(planes, 4L * outP, (lo, hi) =>
            {
                for (int n = lo; n < hi; n++)
                    BilinearPlane((float*)aa + (long)n * aP, (float*)ab + (long)n * bP, inW, mh, mw, backward);
            });
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void BilinearPlane(float* a, float* b, int inW, (int[] i0, int[] i1, float[] lambda) mh, (int[] i0, int[] i1, float[] lambda) mw, bool backward)
    {
        int outH = mh.i0.Length, outW = mw.i0.Length;
        int o = 0;
        for (int h = 0; h < outH; h++)
        {
            float lh1 = mh.lambda[h], lh0 = 1f - lh1;
            int r0 = mh.i0[h] * inW, r1 = mh.i1[h] * inW;
            for (int w = 0; w < outW; w++, o++)
            {
                float lw1 = mw.lambda[w], lw0 = 1f - lw1;
                int c0 = mw.i0[w], c1 = mw.i1[w];
                if (!backward)
                    b[o] = lh0 * (lw0 * a[r0 + c0] + lw1 * a[r0 + c1]) + lh1 * (lw0 * a[r1 + c0] + lw1 * a[r1 + c1]);
                else
                {
                    float g = a[o];
                    b[r0 + c0] += lh0 * lw0 * g;
                    b[r0 + c1] += lh0 * lw1 * g;
                    b[r1 + c0] += lh1 * lw0 * g;
                    b[r1 + c1] += lh1 * lw1 * g;
                }
            }
        }
    }
}
