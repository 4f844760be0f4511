using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace Fovea.Kernels;

/// <summary>
/// Unfolds one group of one sample into the im2col matrix and folds it back. Row r = (c*KD + kd)*KH*KW + kh*KW + kw
/// holds, for every output position (od, oh, ow), x[c, od*SD - PD + kd*DD, oh*SH - PH + kh*DH, ow*SW - PW + kw*DW]
/// (zero outside the input). Column count = output positions. Contiguous runs go through span copies/adds.
/// </summary>
public static class Im2Col
{
    /// <summary>
    /// Writes rows [rowStart, rowEnd) of the im2col matrix of <paramref name="x"/> (one sample's group: InPerGroup
    /// channels of InSpatial values) into <paramref name="col"/> (row rowStart at offset 0, row length OutSpatial).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Unfold(ReadOnlySpan<float> x, Span<float> col, in ConvGeometry g, int rowStart, int rowEnd)
    {
        int ks = g.KernelSize, khw = g.KH * g.KW, p = g.OutSpatial, ohw = g.OutH * g.OutW, ihw = g.InH * g.InW;
        for (int row = rowStart; row < rowEnd; row++)
        {
            int c = row / ks, t = row - c * ks;
            int kd = t / khw; t -= kd * khw;
            int kh = t / g.KW, kw = t - kh * g.KW;
            var dst = col.Slice((row - rowStart) * p, p);
            var src = x.Slice(c * g.InSpatial, g.InSpatial);
            int offW = kw * g.DW - g.PW;
            var (lo, hi) = ValidRange(offW, g.SW, g.InW, g.OutW);
            for (int od = 0; od < g.OutD; od++)
            {
                int id = od * g.SD - g.PD + kd * g.DD;
                var plane = dst.Slice(od * ohw, ohw);
                if ((uint)id >= (uint)g.InD) { plane.Clear(); continue; }
                for (int oh = 0; oh < g.OutH; oh++)
                {
                    int ih = oh * g.SH - g.PH + kh * g.DH;
                    var d = plane.Slice(oh * g.OutW, g.OutW);
                    if ((uint)ih >= (uint)g.InH || lo >= hi) { d.Clear(); continue; }
                    var s = src.Slice(id * ihw + ih * g.InW, g.InW);
                    d[..lo].Clear();
                    d[hi..].Clear();
                    if (g.SW == 1) s.Slice(lo + offW, hi - lo).CopyTo(d[lo..hi]);
                    else for (int ow = lo, iw = lo * g.SW + offW; ow < hi; ow++, iw += g.SW) d[ow] = s[iw];
                }
            }
        }
    }

    /// <summary>
    /// Adds the im2col matrix <paramref name="col"/> (all ColRows rows of one group) back onto the input positions
    /// it was read from: dx[c, i] += col[r, o] for every (r, o) that reads position i. dx is not cleared.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Fold(ReadOnlySpan<float> col, Span<float> dx, in ConvGeometry g)
    {
        int ks = g.KernelSize, khw = g.KH * g.KW, p = g.OutSpatial, ohw = g.OutH * g.OutW, ihw = g.InH * g.InW;
        int rows = g.ColRows;
        for (int row = 0; row < rows; row++)
        {
            int c = row / ks, t = row - c * ks;
            int kd = t / khw; t -= kd * khw;
            int kh = t / g.KW, kw = t - kh * g.KW;
            var src = col.Slice(row * p, p);
            var dst = dx.Slice(c * g.InSpatial, g.InSpatial);
            int offW = kw * g.DW - g.PW;
            var (lo, hi) = ValidRange(offW, g.SW, g.InW, g.OutW);
            if (lo >= hi) continue;
            for (int od = 0; od < g.OutD; od++)
            {
                int id = od * g.SD - g.PD + kd * g.DD;
                if ((uint)id >= (uint)g.InD) continue;
                for (int oh = 0; oh < g.OutH; oh++)
                {
                    int ih = oh * g.SH - g.PH + kh * g.DH;
                    if ((uint)ih >= (uint)g.InH) continue;
                    var s = src.Slice(od * ohw + oh * g.OutW, g.OutW);
                    var d = dst.Slice(id * ihw + ih * g.InW, g.InW);
                    if (g.SW == 1)
                    {
                        var dd = d.Slice(lo + offW, hi - lo);
                        TensorPrimitives.Add(dd, s[lo..hi], dd);
                    }
                    else for (int ow = lo, iw = lo * g.SW + offW; ow < hi; ow++, iw += g.SW) d[iw] += s[ow];
                }
            }
        }
    }

    /// <summary>The output positions [lo, hi) whose input index ow*stride + off lies in [0, inSize).</summary>
    internal static (int lo, int hi) ValidRange(int off, int stride, int inSize, int outSize)
    {
        // ow*stride + off >= 0  <=>  ow >= ceil(-off / stride)
        int lo = off >= 0 ? 0 : (-off + stride - 1) / stride;
        // ow*stride + off <= inSize - 1  <=>  ow <= floor((inSize - 1 - off) / stride)
        int top = inSize - 1 - off;
        int hi = top < 0 ? 0 : top / stride + 1;
        lo = Math.Min(lo, outSize);
        hi = Math.Clamp(hi, lo, outSize);
        return (lo, hi);
    }
}
