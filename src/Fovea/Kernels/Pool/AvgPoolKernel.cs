using System.Runtime.CompilerServices;

namespace Fovea.Kernels;

/// <summary>
/// Average pooling over contiguous [planes, D, H, W] buffers with PyTorch's divisor rule: the window is clipped to
/// the padded input for count_include_pad (and to the input otherwise) unless a divisor override is given.
/// Dilation is not used (PoolGeometry's dilations must be 1).
/// </summary>
public static unsafe class AvgPoolKernel
{
    public static void Forward(ReadOnlySpan<float> x, Span<float> y, int planes, PoolGeometry p, bool countIncludePad, int divisorOverride)
    {
        int inP = p.InPlane, outP = p.OutPlane;
        if (x.Length < planes * inP || y.Length < planes * outP) throw new ArgumentException("AvgPoolKernel.Forward: buffer too small.");
        if (planes == 0 || outP == 0) return;
        fixed (float* px = x, py = y)
        {
            nint ax = (nint)px, ay = (nint)py;
            PlaneLoop.Run(planes, (long)outP * p.KD * p.KH * p.KW, (lo, hi) =>
            {
                for (int n = lo; n < hi; n++)
                    Plane((float*)ax + (long)n * inP, (float*)ay + (long)n * outP, p, countIncludePad, divisorOverride, backward: false);
            });
        }
    }

    /// <summary>gx (overwritten) = the adjoint of <see cref="Forward"/> applied to g.</summary>
    public static void Backward(ReadOnlySpan<float> g, Span<float> gx, int planes, PoolGeometry p, bool countIncludePad, int divisorOverride)
    {
        int inP = p.InPlane, outP = p.OutPlane;
        if (g.Length < planes * outP || gx.Length < planes * inP) throw new ArgumentException("AvgPoolKernel.Backward: buffer too small.");
        gx.Slice(0, planes * inP).Clear();
        if (planes == 0 || outP == 0) return;
        fixed (float* pg = g, px = gx)
        {
            nint ag = (nint)pg, ax = (nint)px;
            PlaneLoop.Run(planes, (long)outP * p.KD * p.KH * p.KW, (lo, hi) =>
            {
                for (int n = lo; n < hi; n++)
                    Plane((float*)ax + (long)n * inP, (float*)ag + (long)n * outP, p, countIncludePad, divisorOverride, backward: true);
            });
        }
    }

    // Forward: y[o] = mean of the window of x. Backward (x is gx, y is g): gx[window] += g[o] / divisor.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Plane(float* x, float* y, in PoolGeometry p, bool includePad, int divisorOverride, bool backward)
    {
        int o = 0;
        for (int od = 0; od < p.OutD; od++)
        {
            int d0 = od * p.SD - p.PD, d1 = Math.Min(d0 + p.KD, p.InD + p.PD);
            int padD = d1 - d0;
            int cd0 = Math.Max(d0, 0), cd1 = Math.Min(d1, p.InD);
            for (int oh = 0; oh < p.OutH; oh++)
            {
                int h0 = oh * p.SH - p.PH, h1 = Math.Min(h0 + p.KH, p.InH + p.PH);
                int padH = h1 - h0;
                int ch0 = Math.Max(h0, 0), ch1 = Math.Min(h1, p.InH);
                for (int ow = 0; ow < p.OutW; ow++, o++)
                {
                    int w0 = ow * p.SW - p.PW, w1 = Math.Min(w0 + p.KW, p.InW + p.PW);
                    int padW = w1 - w0;
                    int cw0 = Math.Max(w0, 0), cw1 = Math.Min(w1, p.InW);
                    int divisor = divisorOverride > 0 ? divisorOverride
                        : includePad ? padD * padH * padW
                        : Math.Max(cd1 - cd0, 0) * Math.Max(ch1 - ch0, 0) * Math.Max(cw1 - cw0, 0);
                    if (!backward)
                    {
                        float s = 0;
                        for (int d = cd0; d < cd1; d++)
                            for (int h = ch0; h < ch1; h++)
                            {
                                float* row = x + (d * p.InH + h) * p.InW;
                                for (int w = cw0; w < cw1; w++) s += row[w];
                            }
                        y[o] = s / divisor;
                    }
                    else
                    {
                        float v = y[o] / divisor;
                        for (int d = cd0; d < cd1; d++)
                            for (int h = ch0; h < ch1; h++)
                            {
                                float* row = x + (d * p.InH + h) * p.InW;
                                for (int w = cw0; w < cw1; w++) row[w] += v;
                            }
                    }
                }
            }
        }
    }
}
