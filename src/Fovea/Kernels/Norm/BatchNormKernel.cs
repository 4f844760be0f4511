using System.Numerics.Tensors;

namespace Fovea.Kernels;

/// <summary>
/// Batch normalisation over a contiguous [N, C, S] buffer (S = product of spatial sizes, 1 for [N, C]): each
/// channel c is normalised with one mean and inverse standard deviation, y = (x - mean)·invstd·w[c] + b[c].
/// Training computes them from the batch (biased variance); evaluation takes them from the running statistics.
/// The backward is the closed form, one pass over each channel's N·S values.
/// </summary>
public static unsafe class BatchNormKernel
{
    /// <summary>
    /// Writes y and the per-channel mean and invstd used. With <paramref name="training"/>, the batch statistics are
    /// used and the running ones (when not empty) move towards them: r = (1-momentum)·r + momentum·batch, with the
    /// unbiased variance. Otherwise the running statistics (required) are used. Empty weight/bias mean 1/0.
    /// </summary>
    public static void Forward(ReadOnlySpan<float> x, Span<float> y, int n, int c, int s,
        ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> runningMean, Span<float> runningVar,
        bool training, float momentum, float eps, Span<float> mean, Span<float> invstd)
    {
        long total = (long)n * c * s;
        if (x.Length < total || y.Length < total || mean.Length < c || invstd.Length < c)
            throw new ArgumentException("BatchNormKernel.Forward: buffer too small.");
        if (c == 0) return;
        bool haveRunning = !runningMean.IsEmpty;
        if (!training && (runningMean.Length < c || runningVar.Length < c))
            throw new ArgumentException("BatchNormKernel.Forward: evaluation needs running statistics.");
        if (s == 1 && n > 1)
        {
            ForwardRows(x, y, n, c, weight, bias, runningMean, runningVar, haveRunning, training, momentum, eps, mean, invstd);
            return;
        }
        int m = n * s;
        fixed (float* px = x, py = y, pw = weight, pb = bias, prm = runningMean, prv = runningVar, pm = mean, pi = invstd)
        {
            nint ax = (nint)px, ay = (nint)py, aw = (nint)pw, ab = (nint)pb, arm = (nint)prm, arv = (nint)prv, am = (nint)pm, ai = (nint)pi;
            PlaneLoop.Run(c, 3L * m, (lo, hi) =>
            {
                float* xp = (float*)ax, yp = (float*)ay, wp = (float*)aw, bp = (float*)ab;
                float* rm = (float*)arm, rv = (float*)arv, mp = (float*)am, ip = (float*)ai;
                for (int ch = lo; ch < hi; ch++)
                {
                    float mu, inv;
                    if (training)
                    {
                        // One pass: moments about the channel's first value (near the mean, so no cancellation), per row in
                        // float lanes, across rows in double.
                        float pivot = m > 0 ? xp[(long)ch * s] : 0f;
                        double s1 = 0, s2 = 0;
                        for (int b = 0; b < n; b++)
                        {
                            var (a1, a2) = NormMath.ShiftedMoments(new ReadOnlySpan<float>(xp + ((long)b * c + ch) * s, s), pivot);
                            s1 += a1; s2 += a2;
                        }
                        double dshift = m > 0 ? s1 / m : double.NaN;
                        double dm = pivot + dshift;
                        mu = (float)dm;
                        double sq = Math.Max(s2 - s1 * dshift, 0);
                        double var = sq / m;
                        inv = (float)(1.0 / Math.Sqrt(var + eps));
                        if (haveRunning)
                        {
                            double unbiased = m > 1 ? sq / (m - 1) : double.NaN;
                            rm[ch] = (float)((1 - momentum) * rm[ch] + momentum * dm);
                            rv[ch] = (float)((1 - momentum) * rv[ch] + momentum * unbiased);
                        }
                    }
                    else
                    {
                        mu = rm[ch];
                        inv = (float)(1.0 / Math.Sqrt(rv[ch] + (double)eps));
                    }
                    mp[ch] = mu;
                    ip[ch] = inv;
                    float scale = inv * (wp != null ? wp[ch] : 1f);
                    float shift = bp != null ? bp[ch] : 0f;
                    for (int b = 0; b < n; b++)
                    {
                        long off = ((long)b * c + ch) * s;
                        NormMath.Normalize(new ReadOnlySpan<float>(xp + off, s), mu, scale, shift, new Span<float>(yp + off, s));
                    }
                }
            });
        }
    }

    /// <summary>
    /// Gradients from the forward's saved mean/invstd. Training (batch statistics):
    /// gx = w·invstd·(g - Σg/M - x̂·Σ(g·x̂)/M); evaluation: gx = g·w·invstd. Always gw = Σ g·x̂, gb = Σ g.
    /// Any of gx, gw, gb may be empty to skip it.
    /// </summary>
    public static void Backward(ReadOnlySpan<float> g, ReadOnlySpan<float> x, int n, int c, int s,
        ReadOnlySpan<float> weight, ReadOnlySpan<float> mean, ReadOnlySpan<float> invstd, bool training,
        Span<float> gx, Span<float> gw, Span<float> gb)
    {
        long total = (long)n * c * s;
        if (g.Length < total || x.Length < total || mean.Length < c || invstd.Length < c || (!gx.IsEmpty && gx.Length < total))
            throw new ArgumentException("BatchNormKernel.Backward: buffer too small.");
        if (c == 0) return;
        if (s == 1 && n > 1)
        {
            BackwardRows(g, x, n, c, weight, mean, invstd, training, gx, gw, gb);
            return;
        }
        int m = n * s;
        fixed (float* pg = g, px = x, pw = weight, pm = mean, pi = invstd, pgx = gx, pgw = gw, pgb = gb)
        {
            nint ag = (nint)pg, ax = (nint)px, aw = (nint)pw, am = (nint)pm, ai = (nint)pi, agx = (nint)pgx, agw = (nint)pgw, agb = (nint)pgb;
            PlaneLoop.Run(c, 3L * m, (lo, hi) =>
            {
                float* gp = (float*)ag, xp = (float*)ax, wp = (float*)aw, gxp = (float*)agx, gwp = (float*)agw, gbp = (float*)agb;
                for (int ch = lo; ch < hi; ch++)
                {
                    float mu = ((float*)am)[ch], inv = ((float*)ai)[ch];
                    double sg = 0, sgx = 0;
                    for (int b = 0; b < n; b++)
                    {
                        long off = ((long)b * c + ch) * s;
                        var (a1, a2) = NormMath.SumAndDotDiff(new ReadOnlySpan<float>(gp + off, s), new ReadOnlySpan<float>(xp + off, s), mu);
                        sg += a1; sgx += a2;
                    }
                    if (gwp != null) gwp[ch] = (float)(sgx * inv);
                    if (gbp != null) gbp[ch] = (float)sg;
                    if (gxp == null) continue;
                    float w = wp != null ? wp[ch] : 1f;
                    float a = w * inv, bx = 0f, c0 = 0f;
                    if (training)
                    {
                        // gx = a·g + bx·(x - mu) + c0 with x̂ = (x - mu)·inv.
                        bx = (float)(-a * sgx * inv * inv / m);
                        c0 = (float)(-a * sg / m);
                    }
                    for (int b = 0; b < n; b++)
                    {
                        long off = ((long)b * c + ch) * s;
                        var dst = new Span<float>(gxp + off, s);
                        if (training) NormMath.GradInput(new ReadOnlySpan<float>(gp + off, s), new ReadOnlySpan<float>(xp + off, s), mu, a, bx, c0, dst);
                        else TensorPrimitives.Multiply(new ReadOnlySpan<float>(gp + off, s), a, dst);
                    }
                }
            });
        }
    }

    // [N, C] input: a channel's values are strided by C, so statistics accumulate row by row (double, per
    // channel) and the normalisation runs along each contiguous row with per-channel vectors.
    static void ForwardRows(ReadOnlySpan<float> x, Span<float> y, int n, int c, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias,
        Span<float> runningMean, Span<float> runningVar, bool haveRunning, bool training, float momentum, float eps,
        Span<float> mean, Span<float> invstd)
    {
        if (training)
        {
            var sum = new double[c];
            for (int r = 0; r < n; r++)
            {
                var row = x.Slice(r * c, c);
                for (int k = 0; k < c; k++) sum[k] += row[k];
            }
            for (int k = 0; k < c; k++) mean[k] = (float)(sum[k] / n);
            var sq = new double[c];
            for (int r = 0; r < n; r++)
            {
                var row = x.Slice(r * c, c);
                for (int k = 0; k < c; k++) { float d = row[k] - mean[k]; sq[k] += d * d; }
            }
            for (int k = 0; k < c; k++)
            {
                invstd[k] = (float)(1.0 / Math.Sqrt(sq[k] / n + eps));
                if (haveRunning)
                {
                    runningMean[k] = (float)((1 - momentum) * runningMean[k] + momentum * (sum[k] / n));
                    runningVar[k] = (float)((1 - momentum) * runningVar[k] + momentum * (sq[k] / (n - 1)));
                }
            }
        }
        else
        {
            for (int k = 0; k < c; k++)
            {
                mean[k] = runningMean[k];
                invstd[k] = (float)(1.0 / Math.Sqrt(runningVar[k] + (double)eps));
            }
        }
        var scale = new float[c];
        for (int k = 0; k < c; k++) scale[k] = invstd[k] * (weight.IsEmpty ? 1f : weight[k]);
        var mu = mean.Slice(0, c);
        for (int r = 0; r < n; r++)
        {
            var yr = y.Slice(r * c, c);
            TensorPrimitives.Subtract(x.Slice(r * c, c), mu, yr);
            if (bias.IsEmpty) TensorPrimitives.Multiply(yr, scale, yr);
            else TensorPrimitives.MultiplyAdd(yr, scale, bias.Slice(0, c), yr);
        }
    }

    static void BackwardRows(ReadOnlySpan<float> g, ReadOnlySpan<float> x, int n, int c, ReadOnlySpan<float> weight,
        ReadOnlySpan<float> mean, ReadOnlySpan<float> invstd, bool training, Span<float> gx, Span<float> gw, Span<float> gb)
    {
        var sg = new double[c];
        var sgx = new double[c];
        for (int r = 0; r < n; r++)
        {
            var gr = g.Slice(r * c, c);
            var xr = x.Slice(r * c, c);
            for (int k = 0; k < c; k++) { sg[k] += gr[k]; sgx[k] += gr[k] * (xr[k] - mean[k]); }
        }
        for (int k = 0; k < c; k++)
        {
            if (!gw.IsEmpty) gw[k] = (float)(sgx[k] * invstd[k]);
            if (!gb.IsEmpty) gb[k] = (float)sg[k];
        }
        if (gx.IsEmpty) return;
        // gx = a·g + bx·(x - mean) + c0 per channel (bx = c0 = 0 in evaluation).
        var a = new float[c];
        var bx = new float[c];
        var c0 = new float[c];
        for (int k = 0; k < c; k++)
        {
            float w = weight.IsEmpty ? 1f : weight[k];
            a[k] = w * invstd[k];
            if (training)
            {
                bx[k] = (float)(-a[k] * sgx[k] * invstd[k] * invstd[k] / n);
                c0[k] = (float)(-a[k] * sg[k] / n);
            }
        }
        var mu = mean.Slice(0, c);
        for (int r = 0; r < n; r++)
        {
            var dst = gx.Slice(r * c, c);
            var gr = g.Slice(r * c, c);
            if (!training) { TensorPrimitives.Multiply(gr, a, dst); continue; }
            TensorPrimitives.Subtract(x.Slice(r * c, c), mu, dst);
            TensorPrimitives.MultiplyAdd(dst, bx, c0, dst);
            TensorPrimitives.MultiplyAdd(gr, a, dst, dst);
        }
    }
}
