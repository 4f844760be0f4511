using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace Fovea.Kernels;

/// <summary>
/// Unfolds one group of one sample into (a block of) the im2col matrix and folds it back. Row r = (c*KD + kd)*KH*KW +
/// kh*KW + kw holds, for every output position p = (od, oh, ow), x[c, od*SD - PD + kd*DD, oh*SH - PH + kh*DH, ow*SW - PW + kw*DW]
/// (zero outside the input). A block is rows [r0, r1) by output positions [p0, p1), stored row-major with row length
/// p1 - p0, so callers can tile the positions to keep the block in cache. Contiguous runs go through span copies/adds.
/// </summary>
public static class Im2Col
{
    /// <summary>Writes the block rows [r0, r1) x positions [p0, p1) of the im2col matrix of <paramref name="x"/> (InPerGroup channels of InSpatial values).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Unfold(ReadOnlySpan<float> x, Span<float> col, in ConvGeometry g, int r0, int r1, int p0, int p1)
    {
        int ks = g.KernelSize, khw = g.KH * g.KW, ohw = g.OutH * g.OutW, ihw = g.InH * g.InW, ld = p1 - p0;
        for (int row = r0; row < r1; row++)
        {
            int c = row / ks, t = row - c * ks;
            int kd = t / khw; t -= kd * khw;
            int kh = t / g.KW, kw = t - kh * g.KW;
            var dst = col.Slice((row - r0) * ld, ld);
            var src = x.Slice(c * g.InSpatial, g.InSpatial);
            int offW = kw * g.DW - g.PW;
            var (lo, hi) = ValidRange(offW, g.SW, g.InW, g.OutW);
            for (int pos = p0; pos < p1;)
            {
                // One run of output row (od, oh), columns [ow0, ow1).
                int od = pos / ohw, rem = pos - od * ohw, oh = rem / g.OutW, ow0 = rem - oh * g.OutW;
                int ow1 = Math.Min(g.OutW, ow0 + (p1 - pos));
                var d = dst.Slice(pos - p0, ow1 - ow0);
                pos += ow1 - ow0;
                int id = od * g.SD - g.PD + kd * g.DD, ih = oh * g.SH - g.PH + kh * g.DH;
                int a = Math.Max(lo, ow0), b = Math.Min(hi, ow1);
                if ((uint)id >= (uint)g.InD || (uint)ih >= (uint)g.InH || a >= b) { d.Clear(); continue; }
                var s = src.Slice(id * ihw + ih * g.InW, g.InW);
                d[..(a - ow0)].Clear();
                d[(b - ow0)..].Clear();
                if (g.SW == 1) s.Slice(a + offW, b - a).CopyTo(d[(a - ow0)..(b - ow0)]);
                else for (int ow = a, iw = a * g.SW + offW; ow < b; ow++, iw += g.SW) d[ow - ow0] = s[iw];
            }
        }
    }

    /// <summary>Whole-matrix form of <see cref="Unfold(ReadOnlySpan{float}, Span{float}, in ConvGeometry, int, int, int, int)"/>: rows [r0, r1), all positions.</summary>
    public static void Unfold(ReadOnlySpan<float> x, Span<float> col, in ConvGeometry g, int r0, int r1)
        => Unfold(x, col, g, r0, r1, 0, g.OutSpatial);

    /// <summary>
    /// Adds the block (all ColRows rows) x positions [p0, p1) of an im2col-shaped matrix back onto the input positions
    /// it reads: dx[c, i] += col[r, p] for every (r, p) that reads position i. dx is not cleared.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Fold(ReadOnlySpan<float> col, Span<float> dx, in ConvGeometry g, int p0, int p1)
    {
        int ks = g.KernelSize, khw = g.KH * g.KW, ohw = g.OutH * g.OutW, ihw = g.InH * g.InW, ld = p1 - p0;
        int rows = g.ColRows;
        for (int row = 0; row < rows; row++)
        {
            int c = row / ks, t = row - c * ks;
            int kd = t / khw; t -= kd * khw;
            int kh = t / g.KW, kw = t - kh * g.KW;
            var src = col.Slice(row * ld, ld);
            var dst = dx.Slice(c * g.InSpatial, g.InSpatial);
            int offW = kw * g.DW - g.PW;
            var (lo, hi) = ValidRange(offW, g.SW, g.InW, g.OutW);
            if (lo >= hi) continue;
            for (int pos = p0; pos < p1;)
            {
                int od = pos / ohw, rem = pos - od * ohw, oh = rem / g.OutW, ow0 = rem - oh * g.OutW;
                int ow1 = Math.Min(g.OutW, ow0 + (p1 - pos));
                var s = src.Slice(pos - p0, ow1 - ow0);
                pos += ow1 - ow0;
                int id = od * g.SD - g.PD + kd * g.DD, ih = oh * g.SH - g.PH + kh * g.DH;
                int a = Math.Max(lo, ow0), b = Math.Min(hi, ow1);
                if ((uint)id >= (uint)g.InD || (uint)ih >= (uint)g.InH || a >= b) continue;
                var d = dst.Slice(id * ihw + ih * g.InW, g.InW);
                if (g.SW == 1)
                {
                    var dd = d.Slice(a + offW, b - a);
                    TensorPrimitives.Add(dd, s[(a - ow0)..(b - ow0)], dd);
                }
                else for (int ow = a, iw = a * g.SW + offW; ow < b; ow++, iw += g.SW) d[iw] += s[ow - ow0];
            }
        }
    }

    /// <summary>Whole-matrix form of <see cref="Fold(ReadOnlySpan{float}, Span{float}, in ConvGeometry, int, int)"/>.</summary>
    public static void Fold(ReadOnlySpan<float> col, Span<float> dx, in ConvGeometry g) => Fold(col, dx, g, 0, g.OutSpatial);

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
