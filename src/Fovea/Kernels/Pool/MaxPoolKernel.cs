using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

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
        var td = PoolGeometry.Table(p.OutD, p.InD, p.KD, p.SD, p.PD, p.DD);
        var th = PoolGeometry.Table(p.OutH, p.InH, p.KH, p.SH, p.PH, p.DH);
        var tw = PoolGeometry.Table(p.OutW, p.InW, p.KW, p.SW, p.PW, p.DW);
        fixed (float* px = x, py = y)
        fixed (int* pi = indices)
        {
            nint ax = (nint)px, ay = (nint)py, ai = (nint)pi;
            long work = (long)outP * p.KD * p.KH * p.KW;
            PlaneLoop.Run(planes, work, (lo, hi) =>
            {
                for (int n = lo; n < hi; n++)
                    ForwardPlane((float*)ax + (long)n * inP, (float*)ay + (long)n * outP, (int*)ai + (long)n * outP,
                        p.InH, p.InW, p.DD, p.DH, p.DW, td, th, tw);
            });
        }
    }

    /// <summary>
    /// The values of <see cref="Forward"/> without the indices, for 2-D pooling (InD = OutD = 1) when no gradient is
    /// needed (inference). Separable: per output row the window's input rows are reduced with SIMD maxima into one
    /// row, then each output takes the maximum of its window's columns of that row. Same values as <see cref="Forward"/>,
    /// NaN included (a NaN in the window wins).
    /// </summary>
    public static void ForwardValues(ReadOnlySpan<float> x, Span<float> y, int planes, PoolGeometry p)
    {
        if (p.InD != 1 || p.OutD != 1) throw new ArgumentException("MaxPoolKernel.ForwardValues: needs 2-D pooling (one depth plane).");
        int inP = p.InPlane, outP = p.OutPlane;
        if (x.Length < (long)planes * inP || y.Length < (long)planes * outP)
            throw new ArgumentException("MaxPoolKernel.ForwardValues: buffer too small.");
        if (planes == 0 || outP == 0) return;
        var th = PoolGeometry.Table(p.OutH, p.InH, p.KH, p.SH, p.PH, p.DH);
        var tw = PoolGeometry.Table(p.OutW, p.InW, p.KW, p.SW, p.PW, p.DW);
        fixed (float* px = x, py = y)
        {
            var body = new ValuesBody(px, py, inP, outP, p.InW, p.DH, p.DW, th, tw);
            PlaneLoop.Run(planes, (long)outP * p.KH * p.KW, ref body);
        }
    }

    readonly struct ValuesBody(float* x, float* y, int inP, int outP, int inW, int dh, int dw, PoolGeometry.AxisTable th, PoolGeometry.AxisTable tw) : PlaneLoop.IBody
    {
        public void Run(int lo, int hi)
        {
            float[] rowBuf = System.Buffers.ArrayPool<float>.Shared.Rent(inW);
            try
            {
                fixed (float* row = rowBuf)
                    for (int n = lo; n < hi; n++)
                    {
                        float* xp = x + (long)n * inP, yp = y + (long)n * outP;
                        int outH = th.Start.Length, outW = tw.Start.Length;
                        for (int oh = 0; oh < outH; oh++)
                        {
                            int kh0 = th.K0[oh], kh1 = th.K1[oh];
                            if (kh0 >= kh1) { new Span<float>(yp + (long)oh * outW, outW).Fill(float.NegativeInfinity); continue; }
                            float* r0 = xp + (long)(th.Start[oh] + kh0 * dh) * inW;
                            MaxRows(r0, (long)dh * inW, kh1 - kh0, row, inW);
                            float* yo = yp + (long)oh * outW;
                            for (int ow = 0; ow < outW; ow++)
                            {
                                int kw0 = tw.K0[ow], kw1 = tw.K1[ow];
                                float best = float.NegativeInfinity;
                                for (int kw = kw0, at = tw.Start[ow] + kw0 * dw; kw < kw1; kw++, at += dw)
                                {
                                    float v = row[at];
                                    if (v > best || float.IsNaN(v)) best = v;
                                }
                                yo[ow] = best;
                            }
                        }
                    }
            }
            finally { System.Buffers.ArrayPool<float>.Shared.Return(rowBuf); }
        }

        // row[w] = max over the k rows src + i*stride, NaN winning.
        static void MaxRows(float* src, long stride, int k, float* row, int width)
        {
            int w = 0;
            if (Vector256.IsHardwareAccelerated)
                for (; w + 8 <= width; w += 8)
                {
                    var best = Vector256.Load(src + w);
                    for (int i = 1; i < k; i++)
                    {
                        var v = Vector256.Load(src + i * stride + w);
                        // v wins where it is larger or NaN (v != v); a NaN already in best stays (nothing is larger).
                        best = Vector256.ConditionalSelect(Vector256.GreaterThan(v, best) | ~Vector256.Equals(v, v), v, best);
                    }
                    best.Store(row + w);
                }
            for (; w < width; w++)
            {
                float best = src[w];
                for (int i = 1; i < k; i++)
                {
                    float v = src[i * stride + w];
                    if (v > best || float.IsNaN(v)) best = v;
                }
                row[w] = best;
            }
        }
    }

    // The tables give, per output position of an axis, the first input position of its window and the valid
    // kernel offsets [k0, k1), so the inner loops carry no bounds tests.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void ForwardPlane(float* x, float* y, int* idx, int inH, int inW, int dd, int dh, int dw,
        PoolGeometry.AxisTable td, PoolGeometry.AxisTable th, PoolGeometry.AxisTable tw)
    {
        int o = 0;
        int outH = th.Start.Length, outW = tw.Start.Length;
        int[] wStart = tw.Start, wK0 = tw.K0, wK1 = tw.K1;
        for (int od = 0; od < td.Start.Length; od++)
        {
            int d0 = td.Start[od], kd0 = td.K0[od], kd1 = td.K1[od];
            for (int oh = 0; oh < outH; oh++)
            {
                int h0 = th.Start[oh], kh0 = th.K0[oh], kh1 = th.K1[oh];
                for (int ow = 0; ow < outW; ow++, o++)
                {
                    int w0 = wStart[ow], kw0 = wK0[ow], kw1 = wK1[ow];
                    float best = float.NegativeInfinity;
                    int arg = -1;
                    for (int kd = kd0; kd < kd1; kd++)
                    {
                        int plane = (d0 + kd * dd) * inH;
                        for (int kh = kh0; kh < kh1; kh++)
                        {
                            int at = (plane + h0 + kh * dh) * inW + w0 + kw0 * dw;
                            for (int kw = kw0; kw < kw1; kw++, at += dw)
                            {
                                float v = x[at];
                                if (v > best || float.IsNaN(v) || arg < 0) { best = v; arg = at; }
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
