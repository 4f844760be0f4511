using Fovea.NN;

namespace Fovea.Explain;

/// <summary>
/// Gradient- and perturbation-based attribution for a classifier (a module returning logits [N, classes]), on an
/// input batch [N,C,H,W]. Every method returns a tensor of the input's shape; the target classes default to the
/// model's predictions. The model should be in evaluation mode (<see cref="Module.Eval"/>).
/// </summary>
public static class Attribution
{
    /// <summary>Vanilla gradient saliency (Simonyan et al. 2014): |∂ logit_target / ∂ x|.</summary>
    public static Tensor Saliency(Module model, Tensor x, Tensor? target = null)
    {
        GradientUtil.CheckImages(x, "Saliency");
        var t = GradientUtil.Targets(model, x, target, "Saliency");
        var (g, _) = GradientUtil.InputGradient(model, x, l => GradientUtil.TargetScore(l, t));
        return g.Abs();
    }

    /// <summary>Gradient × input (Shrikumar et al. 2016): x ⊙ ∂ logit_target / ∂ x (signed).</summary>
    public static Tensor GradientTimesInput(Module model, Tensor x, Tensor? target = null)
    {
        GradientUtil.CheckImages(x, "GradientTimesInput");
        var t = GradientUtil.Targets(model, x, target, "GradientTimesInput");
        var (g, _) = GradientUtil.InputGradient(model, x, l => GradientUtil.TargetScore(l, t));
        return g * x;
    }

    /// <summary>
    /// SmoothGrad (Smilkov et al. 2017): the mean over <paramref name="samples"/> noisy copies of |gradient|, the
    /// noise Gaussian with standard deviation <paramref name="noiseLevel"/> × (max − min) of each image.
    /// </summary>
    public static Tensor SmoothGrad(Module model, Tensor x, Tensor? target = null, float noiseLevel = 0.15f, int samples = 25, Generator? generator = null)
    {
        GradientUtil.CheckImages(x, "SmoothGrad");
        if (samples < 1) throw new ArgumentException($"SmoothGrad: samples must be at least 1, got {samples}.");
        if (noiseLevel < 0 || !float.IsFinite(noiseLevel)) throw new ArgumentException($"SmoothGrad: noiseLevel must be non-negative, got {noiseLevel}.");
        var gen = generator ?? new Generator(0);
        var t = GradientUtil.Targets(model, x, target, "SmoothGrad");
        int n = x.Shape[0];
        var sigma = new float[n];
        var xs = x.Contiguous().ToArray();
        int per = xs.Length / Math.Max(n, 1);
        for (int i = 0; i < n; i++)
        {
            var s = xs.AsSpan(i * per, per);
            float lo = float.PositiveInfinity, hi = float.NegativeInfinity;
            foreach (float v in s) { lo = Math.Min(lo, v); hi = Math.Max(hi, v); }
            sigma[i] = noiseLevel * (hi > lo ? hi - lo : 1f);
        }
        var sum = new float[xs.Length];
        for (int k = 0; k < samples; k++)
        {
            var noisy = new float[xs.Length];
            for (int j = 0; j < xs.Length; j++) noisy[j] = xs[j] + sigma[j / per] * gen.NextNormal();
            var (g, _) = GradientUtil.InputGradient(model, Tensor.FromArray(noisy, x.Shape.ToArray()), l => GradientUtil.TargetScore(l, t));
            var ga = g.Contiguous().ToArray();
            for (int j = 0; j < sum.Length; j++) sum[j] += Math.Abs(ga[j]);
        }
        for (int j = 0; j < sum.Length; j++) sum[j] /= samples;
        return Tensor.FromArray(sum, x.Shape.ToArray());
    }

    /// <summary>
    /// Integrated Gradients (Sundararajan et al. 2017): (x − x′) ⊙ ∫₀¹ ∂ logit_target(x′ + α(x − x′)) / ∂ x dα, the
    /// integral by the trapezoid rule over <paramref name="steps"/> intervals; the interpolated images are evaluated
    /// in batches of at most <paramref name="batchSize"/>. The baseline x′ defaults to zeros (a black image) and may be
    /// one image [1,C,H,W] or one per sample [N,C,H,W]. Completeness: the attributions of a sample sum to
    /// logit(x) − logit(x′) up to the quadrature error.
    /// </summary>
    public static Tensor IntegratedGradients(Module model, Tensor x, Tensor? target = null, Tensor? baseline = null, int steps = 50, int batchSize = 64)
    {
        GradientUtil.CheckImages(x, "IntegratedGradients");
        if (steps < 1) throw new ArgumentException($"IntegratedGradients: steps must be at least 1, got {steps}.");
        if (batchSize < 1) throw new ArgumentException($"IntegratedGradients: batchSize must be at least 1, got {batchSize}.");
        int n = x.Shape[0], c = x.Shape[1], h = x.Shape[2], w = x.Shape[3], per = c * h * w;
        baseline ??= Tensor.Zeros(1, c, h, w);
        if (baseline.Rank != 4 || baseline.Shape[1] != c || baseline.Shape[2] != h || baseline.Shape[3] != w || (baseline.Shape[0] != 1 && baseline.Shape[0] != n))
            throw new ShapeMismatchException($"IntegratedGradients: baseline must be [1,{c},{h},{w}] or [{n},{c},{h},{w}], got {baseline.Shape}.");
        var t = GradientUtil.Targets(model, x, target, "IntegratedGradients");
        var xs = x.Contiguous().ToArray();
        var bs = baseline.Contiguous().ToArray();
        var result = new float[xs.Length];
        int points = steps + 1;
        for (int i = 0; i < n; i++)
        {
            var xi = xs.AsSpan(i * per, per);
            var bi = bs.AsSpan(baseline.Shape[0] == 1 ? 0 : i * per, per);
            var acc = new double[per];
            for (int start = 0; start < points; start += batchSize)
            {
                int m = Math.Min(batchSize, points - start);
                var batch = new float[m * per];
                for (int k = 0; k < m; k++)
                {
                    float alpha = (float)(start + k) / steps;
                    var dst = batch.AsSpan(k * per, per);
                    for (int j = 0; j < per; j++) dst[j] = bi[j] + alpha * (xi[j] - bi[j]);
                }
                var tb = Tensor.Full([m], t[i]);
                var (g, _) = GradientUtil.InputGradient(model, Tensor.FromArray(batch, m, c, h, w), l => GradientUtil.TargetScore(l, tb));
                var ga = g.Contiguous().ToArray();
                for (int k = 0; k < m; k++)
                {
                    int p = start + k;
                    double weight = (p == 0 || p == steps ? 0.5 : 1.0) / steps;
                    for (int j = 0; j < per; j++) acc[j] += weight * ga[k * per + j];
                }
            }
            for (int j = 0; j < per; j++) result[i * per + j] = (float)((xi[j] - bi[j]) * acc[j]);
        }
        return Tensor.FromArray(result, x.Shape.ToArray());
    }

    /// <summary>
    /// Occlusion sensitivity (Zeiler &amp; Fergus 2014): slide a <paramref name="window"/>² patch (all channels set to
    /// <paramref name="baselineValue"/>) with <paramref name="stride"/> over the image; a pixel's attribution is the mean
    /// drop of the target logit over the patches that cover it. Patches are evaluated in batches of <paramref name="batchSize"/>.
    /// </summary>
    public static Tensor Occlusion(Module model, Tensor x, Tensor? target = null, int window = 4, int stride = 2, float baselineValue = 0f, int batchSize = 128)
    {
        GradientUtil.CheckImages(x, "Occlusion");
        int n = x.Shape[0], c = x.Shape[1], h = x.Shape[2], w = x.Shape[3], per = c * h * w;
        if (window < 1 || window > Math.Min(h, w)) throw new ArgumentException($"Occlusion: window must be in [1, {Math.Min(h, w)}], got {window}.");
        if (stride < 1) throw new ArgumentException($"Occlusion: stride must be at least 1, got {stride}.");
        var t = GradientUtil.Targets(model, x, target, "Occlusion");
        var xs = x.Contiguous().ToArray();
        var positions = new List<(int Y, int X)>();
        for (int y = 0; ; y += stride) { int yy = Math.Min(y, h - window); for (int xx0 = 0; ; xx0 += stride) { int xx = Math.Min(xx0, w - window); positions.Add((yy, xx)); if (xx0 + window >= w) break; } if (y + window >= h) break; }
        positions = positions.Distinct().ToList();
        var result = new float[xs.Length];
        using var _ = Autograd.NoGrad();
        for (int i = 0; i < n; i++)
        {
            var xi = xs.AsSpan(i * per, per).ToArray();
            int cls = (int)t[i];
            float clean = model.Call(Tensor.FromArray(xi, 1, c, h, w))[0, cls];
            var sum = new double[h * w];
            var count = new int[h * w];
            for (int start = 0; start < positions.Count; start += batchSize)
            {
                int m = Math.Min(batchSize, positions.Count - start);
                var batch = new float[m * per];
                for (int k = 0; k < m; k++)
                {
                    var dst = batch.AsSpan(k * per, per);
                    xi.CopyTo(dst);
                    var (py, px) = positions[start + k];
                    for (int ch = 0; ch < c; ch++)
                        for (int yy = py; yy < py + window; yy++)
                            dst.Slice(ch * h * w + yy * w + px, window).Fill(baselineValue);
                }
                var logits = model.Call(Tensor.FromArray(batch, m, c, h, w)).Contiguous().ToArray();
                int classes = logits.Length / m;
                for (int k = 0; k < m; k++)
                {
                    float drop = clean - logits[k * classes + cls];
                    var (py, px) = positions[start + k];
                    for (int yy = py; yy < py + window; yy++)
                        for (int xx = px; xx < px + window; xx++) { sum[yy * w + xx] += drop; count[yy * w + xx]++; }
                }
            }
            for (int ch = 0; ch < c; ch++)
                for (int p = 0; p < h * w; p++)
                    result[i * per + ch * h * w + p] = count[p] == 0 ? 0f : (float)(sum[p] / count[p]);
        }
        return Tensor.FromArray(result, x.Shape.ToArray());
    }
}
