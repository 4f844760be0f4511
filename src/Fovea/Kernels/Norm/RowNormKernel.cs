using System.Numerics.Tensors;

namespace Fovea.Kernels;

/// <summary>
/// How a row normalisation applies its weight and bias: per element of the row (layer norm; weight has the row's
/// length) or per channel (group/instance norm over an [N, C, S] buffer cut into rows of C/G channels × S values:
/// row r holds channels (r mod G)·C/G ... and weight has C values).
/// </summary>
public readonly record struct RowAffine(bool PerElement, int Groups, int ChannelsPerGroup)
{
    public static RowAffine Elementwise => new(true, 1, 1);
    public static RowAffine PerChannel(int groups, int channelsPerGroup) => new(false, groups, channelsPerGroup);
}

/// <summary>
/// Normalisation of each contiguous row of a [rows, d] buffer to zero mean and unit variance (biased), then the
/// affine map: layer norm, group norm and instance norm. Saves each row's mean and 1/sqrt(var + eps) for the
/// closed-form backward gx = rstd·(ĝ - mean(ĝ) - x̂·mean(ĝ·x̂)) with ĝ = g·w.
/// </summary>
public static unsafe class RowNormKernel
{
    public static void Forward(ReadOnlySpan<float> x, Span<float> y, int rows, int d, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias,
        RowAffine affine, float eps, Span<float> mean, Span<float> rstd)
    {
        long total = (long)rows * d;
        if (x.Length < total || y.Length < total || mean.Length < rows || rstd.Length < rows)
            throw new ArgumentException("RowNormKernel.Forward: buffer too small.");
        if (rows == 0) return;
        int seg = affine.PerElement ? d : d / affine.ChannelsPerGroup;
        fixed (float* px = x, py = y, pw = weight, pb = bias, pm = mean, pr = rstd)
        {
            nint ax = (nint)px, ay = (nint)py, aw = (nint)pw, ab = (nint)pb, am = (nint)pm, ar = (nint)pr;
            PlaneLoop.Run(rows, 3L * d, (lo, hi) =>
            {
                float* wp = (float*)aw, bp = (float*)ab;
                for (int r = lo; r < hi; r++)
                {
                    var xs = new ReadOnlySpan<float>((float*)ax + (long)r * d, d);
                    var ys = new Span<float>((float*)ay + (long)r * d, d);
                    float mu = (float)(NormMath.Sum(xs) / d);
                    float inv = (float)(1.0 / Math.Sqrt(NormMath.SumSqDiff(xs, mu) / d + eps));
                    ((float*)am)[r] = mu;
                    ((float*)ar)[r] = inv;
                    if (affine.PerElement)
                    {
                        NormMath.Normalize(xs, mu, inv, 0f, ys);
                        if (wp != null) TensorPrimitives.Multiply(ys, new ReadOnlySpan<float>(wp, d), ys);
                        if (bp != null) TensorPrimitives.Add(ys, new ReadOnlySpan<float>(bp, d), ys);
                    }
                    else
                    {
                        int c0 = r % affine.Groups * affine.ChannelsPerGroup;
                        for (int k = 0; k < affine.ChannelsPerGroup; k++)
                        {
                            float scale = inv * (wp != null ? wp[c0 + k] : 1f);
                            float shift = bp != null ? bp[c0 + k] : 0f;
                            NormMath.Normalize(xs.Slice(k * seg, seg), mu, scale, shift, ys.Slice(k * seg, seg));
                        }
                    }
                }
            });
        }
    }

    /// <summary>Gradients of <see cref="Forward"/>; gx, gw, gb may each be empty to skip them (gw, gb are overwritten).</summary>
    public static void Backward(ReadOnlySpan<float> g, ReadOnlySpan<float> x, int rows, int d, ReadOnlySpan<float> weight, RowAffine affine,
        ReadOnlySpan<float> mean, ReadOnlySpan<float> rstd, Span<float> gx, Span<float> gw, Span<float> gb)
    {
        long total = (long)rows * d;
        if (g.Length < total || x.Length < total || mean.Length < rows || rstd.Length < rows || (!gx.IsEmpty && gx.Length < total))
            throw new ArgumentException("RowNormKernel.Backward: buffer too small.");
        int seg = affine.PerElement ? d : d / Math.Max(affine.ChannelsPerGroup, 1);
        fixed (float* pg = g, px = x, pw = weight, pm = mean, pr = rstd, pgx = gx, pgw = gw, pgb = gb)
        {
            nint ag = (nint)pg, ax = (nint)px, aw = (nint)pw, am = (nint)pm, ar = (nint)pr, agx = (nint)pgx, agw = (nint)pgw, agb = (nint)pgb;
            if (pgx != null && rows > 0)
                PlaneLoop.Run(rows, 4L * d, (lo, hi) =>
                {
                    var tmp = new float[d];
                    float* wp = (float*)aw;
                    for (int r = lo; r < hi; r++)
                    {
                        var gs = new ReadOnlySpan<float>((float*)ag + (long)r * d, d);
                        var xs = new ReadOnlySpan<float>((float*)ax + (long)r * d, d);
                        var dst = new Span<float>((float*)agx + (long)r * d, d);
                        float mu = ((float*)am)[r], inv = ((float*)ar)[r];
                        // ĝ = g·w
                        if (wp == null) gs.CopyTo(tmp);
                        else if (affine.PerElement) TensorPrimitives.Multiply(gs, new ReadOnlySpan<float>(wp, d), tmp);
                        else
                        {
                            int c0 = r % affine.Groups * affine.ChannelsPerGroup;
                            for (int k = 0; k < affine.ChannelsPerGroup; k++)
                                TensorPrimitives.Multiply(gs.Slice(k * seg, seg), wp[c0 + k], tmp.AsSpan(k * seg, seg));
                        }
                        double a = NormMath.Sum(tmp) / d;
                        double bb = NormMath.DotDiff(tmp, xs, mu) * inv / d;
                        // gx = inv·ĝ + cx·(x - mu) + cc, with cx = -inv²·bb and cc = -inv·a.
                        float cx = (float)(-(double)inv * inv * bb);
                        float cc = (float)(-inv * a);
                        NormMath.Normalize(xs, mu, cx, cc, dst);
                        TensorPrimitives.MultiplyAdd(tmp, inv, dst, dst);
                    }
                });

            if (pgw == null && pgb == null) return;
            if (affine.PerElement)
            {
                // gw[j] = Σ_r g[r,j]·x̂[r,j], gb[j] = Σ_r g[r,j]; parallel over column blocks, so sums are in row order.
                int blocks = Math.Max(1, Math.Min(Environment.ProcessorCount, d / 256));
                PlaneLoop.Run(blocks, (long)rows * d / blocks * 3, (lo, hi) =>
                {
                    int j0 = (int)((long)d * lo / blocks), j1 = (int)((long)d * hi / blocks), len = j1 - j0;
                    var tmp = new float[len];
                    var gwS = agw == 0 ? Span<float>.Empty : new Span<float>((float*)agw + j0, len);
                    var gbS = agb == 0 ? Span<float>.Empty : new Span<float>((float*)agb + j0, len);
                    gwS.Clear(); gbS.Clear();
                    for (int r = 0; r < rows; r++)
                    {
                        var gs = new ReadOnlySpan<float>((float*)ag + (long)r * d + j0, len);
                        if (!gbS.IsEmpty) TensorPrimitives.Add(gbS, gs, gbS);
                        if (gwS.IsEmpty) continue;
                        float mu = ((float*)am)[r], inv = ((float*)ar)[r];
                        NormMath.Normalize(new ReadOnlySpan<float>((float*)ax + (long)r * d + j0, len), mu, inv, 0f, tmp);
                        TensorPrimitives.MultiplyAdd(gs, tmp, gwS, gwS);
                    }
                });
            }
            else
            {
                // gw[c] = Σ over rows holding c of rstd·Σ g·(x - mean); gb[c] = Σ g. Parallel over channels.
                int groups = affine.Groups, cpg = affine.ChannelsPerGroup, channels = groups * cpg, n = rows / groups;
                PlaneLoop.Run(channels, 2L * n * seg, (lo, hi) =>
                {
                    for (int c = lo; c < hi; c++)
                    {
                        int gi = c / cpg, k = c % cpg;
                        double sw = 0, sb = 0;
                        for (int b = 0; b < n; b++)
                        {
                            int r = b * groups + gi;
                            long off = (long)r * d + (long)k * seg;
                            var gs = new ReadOnlySpan<float>((float*)ag + off, seg);
                            sb += NormMath.Sum(gs);
                            sw += NormMath.DotDiff(gs, new ReadOnlySpan<float>((float*)ax + off, seg), ((float*)am)[r]) * ((float*)ar)[r];
                        }
                        if (agw != 0) ((float*)agw)[c] = (float)sw;
                        if (agb != 0) ((float*)agb)[c] = (float)sb;
                    }
                });
            }
        }
    }
}
