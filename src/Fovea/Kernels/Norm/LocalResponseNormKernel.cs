using System.Numerics.Tensors;

namespace Fovea.Kernels;

/// <summary>
/// Local response normalisation across channels of a contiguous [N, C, S] buffer, like PyTorch:
/// den[c] = k + alpha/size · Σ x[j]² over j in [c - size/2, c + (size-1)/2] (zero outside), y = x · den^-beta.
/// Each channel is a contiguous plane of S values, so the window sums are span additions.
/// </summary>
public static unsafe class LocalResponseNormKernel
{
    /// <summary>Writes y and the denominators den (kept for the backward).</summary>
    public static void Forward(ReadOnlySpan<float> x, Span<float> y, Span<float> den, int n, int c, int s, int size, float alpha, float beta, float k)
    {
        long total = (long)n * c * s;
        if (x.Length < total || y.Length < total || den.Length < total) throw new ArgumentException("LocalResponseNormKernel.Forward: buffer too small.");
        if (total == 0) return;
        int lo = size / 2, hi = (size - 1) / 2;
        fixed (float* px = x, py = y, pd = den)
        {
            nint ax = (nint)px, ay = (nint)py, ad = (nint)pd;
            PlaneLoop.Run(n, (long)c * s * (size + 3), (b0, b1) =>
            {
                var sq = new float[c * s];
                for (int b = b0; b < b1; b++)
                {
                    long off = (long)b * c * s;
                    var xs = new ReadOnlySpan<float>((float*)ax + off, c * s);
                    var ys = new Span<float>((float*)ay + off, c * s);
                    var ds = new Span<float>((float*)ad + off, c * s);
                    TensorPrimitives.Multiply(xs, xs, sq);
                    for (int ch = 0; ch < c; ch++)
                    {
                        var d = ds.Slice(ch * s, s);
                        d.Clear();
                        for (int j = Math.Max(ch - lo, 0); j <= Math.Min(ch + hi, c - 1); j++)
                            TensorPrimitives.Add(d, sq.AsSpan(j * s, s), d);
                        NormMath.Affine(d, alpha / size, k, d);
                    }
                    TensorPrimitives.Pow(ds, -beta, ys);
                    TensorPrimitives.Multiply(ys, xs, ys);
                }
            });
        }
    }

    /// <summary>
    /// gx[j] = g[j]·den[j]^-beta - (2·alpha·beta/size)·x[j]·Σ over channels c whose window holds j of g[c]·y[c]/den[c].
    /// </summary>
    public static void Backward(ReadOnlySpan<float> g, ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> den, Span<float> gx,
        int n, int c, int s, int size, float alpha, float beta)
    {
        long total = (long)n * c * s;
        if (g.Length < total || x.Length < total || y.Length < total || den.Length < total || gx.Length < total)
            throw new ArgumentException("LocalResponseNormKernel.Backward: buffer too small.");
        if (total == 0) return;
        int lo = size / 2, hi = (size - 1) / 2;
        float coef = -2f * alpha * beta / size;
        fixed (float* pg = g, px = x, py = y, pd = den, pgx = gx)
        {
            nint ag = (nint)pg, ax = (nint)px, ay = (nint)py, ad = (nint)pd, agx = (nint)pgx;
            PlaneLoop.Run(n, (long)c * s * (size + 5), (b0, b1) =>
            {
                var t = new float[c * s];
                var acc = new float[s];
                for (int b = b0; b < b1; b++)
                {
                    long off = (long)b * c * s;
                    var gs = new ReadOnlySpan<float>((float*)ag + off, c * s);
                    var xs = new ReadOnlySpan<float>((float*)ax + off, c * s);
                    var ds = new ReadOnlySpan<float>((float*)ad + off, c * s);
                    var dst = new Span<float>((float*)agx + off, c * s);
                    // t = g·y/den
                    TensorPrimitives.Multiply(gs, new ReadOnlySpan<float>((float*)ay + off, c * s), t);
                    TensorPrimitives.Divide(t, ds, t);
                    // gx = g·den^-beta first
                    TensorPrimitives.Pow(ds, -beta, dst);
                    TensorPrimitives.Multiply(dst, gs, dst);
                    for (int j = 0; j < c; j++)
                    {
                        acc.AsSpan().Clear();
                        for (int ch = Math.Max(j - hi, 0); ch <= Math.Min(j + lo, c - 1); ch++)
                            TensorPrimitives.Add(acc, t.AsSpan(ch * s, s), acc);
                        TensorPrimitives.Multiply(acc, xs.Slice(j * s, s), acc);
                        TensorPrimitives.MultiplyAdd(acc, coef, dst.Slice(j * s, s), dst.Slice(j * s, s));
                    }
                }
            });
        }
    }
}
