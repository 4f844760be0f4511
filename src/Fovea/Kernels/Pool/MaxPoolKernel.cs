using System.Runtime.CompilerServices;

namespace Fovea.Kernels;

/// <summary>
/// Max pooling over contiguous [planes, D, H, W] buffers. The forward also writes, per output, the flat index of
/// the chosen element within its input plane (PyTorch's return_indices); the backward scatters through them.
/// NaN propagates like PyTorch (a NaN in the window wins).
/// </summary>
public static unsafe class MaxPoolKernel
{
    public static void Forward(ReadOnlySpan<float> x, Span<float> y, Span<int> indices, int planes, PoolGeometry p)
    {
        int inP = p.InPlane, outP = p.OutPlane;
        if (x.Length < planes * inP || y.Length < planes * outP || indices.Length < planes * outP)
            throw new ArgumentException("MaxPoolKernel.Forward: buffer too small.");
        if (planes == 0 || outP == 0) return;
        fixed (float* px = x, py = y)
        fixed (int* pi = indices)
        {
            nint ax = (nint)px, ay = (nint)py, ai = (nint)pi;
            long work = (long)outP * p.KD * p.KH * p.KW;
            PlaneLoop.Run(planes, work, (lo, hi) =>
            {
                for (int n = lo; n < hi; n++)
                    ForwardPlane((float*)ax + (long)n * inP, (float*)ay + (long)n * outP, (int*)ai + (long)n * outP, p);
            });
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void ForwardPlane(float* x, float* y, int* idx, in PoolGeometry p)
    {
        int o = 0;
        for (int od = 0; od < p.OutD; od++)
        {
            int d0 = od * p.SD - p.PD;
            var (kd0, kd1) = PoolGeometry.Valid(d0, p.KD, p.DD, p.InD);
            for (int oh = 0; oh < p.OutH; oh++)
            {
                int h0 = oh * p.SH - p.PH;
                var (kh0, kh1) = PoolGeometry.Valid(h0, p.KH, p.DH, p.InH);
                for (int ow = 0; ow < p.OutW; ow++, o++)
                {
                    int w0 = ow * p.SW - p.PW;
                    var (kw0, kw1) = PoolGeometry.Valid(w0, p.KW, p.DW, p.InW);
                    float best = float.NegativeInfinity;
                    int arg = -1;
                    for (int kd = kd0; kd < kd1; kd++)
                    {
                        int id = d0 + kd * p.DD;
                        for (int kh = kh0; kh < kh1; kh++)
                        {
                            int row = (id * p.InH + h0 + kh * p.DH) * p.InW;
                            for (int kw = kw0; kw < kw1; kw++)
                            {
                                int at = row + w0 + kw * p.DW;
                                float v = x[at];
                                if (arg < 0 || v > best || float.IsNaN(v)) { best = v; arg = at; }
                            }
                        }
                    }
                    y[o] = best;
                    idx[o] = arg;
                }
            }
        }
    }

    /// <summary>gx[plane, indices[plane, o]] += g[plane, o]; gx is overwritten.</summary>
    public static void Backward(ReadOnlySpan<float> g, ReadOnlySpan<int> indices, Span<float> gx, int planes, int inPlane, int outPlane)
    {
        if (g.Length < planes * outPlane || indices.Length < planes * outPlane || gx.Length < planes * inPlane)
            throw new ArgumentException("MaxPoolKernel.Backward: buffer too small.");
        gx.Slice(0, planes * inPlane).Clear();
        if (planes == 0 || outPlane == 0) return;
        fixed (float* pg = g, px = gx)
        fixed (int* pi = indices)
        {
            nint ag = (nint)pg, ax = (nint)px, ai = (nint)pi;
            PlaneLoop.Run(planes, outPlane, (lo, hi) =>
            {
                for (int n = lo; n < hi; n++)
                {
                    float* gp = (float*)ag + (long)n * outPlane, xp = (float*)ax + (long)n * inPlane;
                    int* ip = (int*)ai + (long)n * outPlane;
                    for (int o = 0; o < outPlane; o++)
                        if (ip[o] >= 0) xp[ip[o]] += gp[o];
                }
            });
        }
    }
}
