using Fovea.NN;

namespace Fovea.Explain;

/// <summary>Quantitative checks of attributions: deletion/insertion curves and rank correlation.</summary>
public static class ExplainMetrics
{
    /// <summary>
    /// Deletion (<paramref name="insertion"/> false) or insertion curve (Petsiuk et al. 2018). Pixels (spatial
    /// positions, attribution summed over channels) are ranked by attribution, highest first; at each of
    /// <paramref name="steps"/>+1 fractions that many pixels are set to <paramref name="baselineValue"/> in every
    /// channel (deletion), or copied from the image into an all-baseline canvas (insertion), and the softmax
    /// probability of the target class is recorded.
    /// </summary>
    public static PerturbationCurve PerturbationCurve(Module model, Tensor x, Tensor attribution, Tensor? target = null,
        bool insertion = false, int steps = 28, float baselineValue = 0f)
    {
        GradientUtil.CheckImages(x, "PerturbationCurve");
        if (steps < 1) throw new ArgumentException($"PerturbationCurve: steps must be at least 1, got {steps}.");
        int n = x.Shape[0], c = x.Shape[1], h = x.Shape[2], w = x.Shape[3], hw = h * w, per = c * hw;
        var attr = SpatialMap(attribution, x, "PerturbationCurve");
        var t = GradientUtil.Targets(model, x, target, "PerturbationCurve");
        var xs = x.Contiguous().ToArray();
        var fractions = new double[steps + 1];
        for (int k = 0; k <= steps; k++) fractions[k] = (double)k / steps;
        var mean = new double[steps + 1];
        var aucs = new double[n];
        using var _ = Autograd.NoGrad();
        for (int i = 0; i < n; i++)
        {
            var order = RankDescending(attr.AsSpan(i * hw, hw));
            var batch = new float[(steps + 1) * per];
            for (int k = 0; k <= steps; k++)
            {
                var img = batch.AsSpan(k * per, per);
                if (insertion) img.Fill(baselineValue); else xs.AsSpan(i * per, per).CopyTo(img);
                int count = (int)Math.Round(fractions[k] * hw);
                for (int q = 0; q < count; q++)
                {
                    int p = order[q];
                    for (int ch = 0; ch < c; ch++) img[ch * hw + p] = insertion ? xs[i * per + ch * hw + p] : baselineValue;
                }
            }
            var probs = Ops.Softmax(model.Call(Tensor.FromArray(batch, steps + 1, c, h, w)), 1).Contiguous().ToArray();
            int classes = probs.Length / (steps + 1), cls = (int)t[i];
            double auc = 0;
            for (int k = 0; k <= steps; k++)
            {
                double p = probs[k * classes + cls];
                mean[k] += p / n;
                if (k > 0) auc += 0.5 * (p + probs[(k - 1) * classes + cls]) * (fractions[k] - fractions[k - 1]);
            }
            aucs[i] = auc;
        }
        return new PerturbationCurve(insertion, fractions, mean, aucs.Length == 0 ? double.NaN : aucs.Average(), aucs);
    }

    /// <summary>
    /// The object's pixels of each image [N,C,H,W], flattened [N·H·W]: those brighter than
    /// <paramref name="backgroundLevel"/> in some channel (an object on a dark background, e.g. Fashion-MNIST). With
    /// <paramref name="fillHoles"/>, also the dark pixels the object encloses — every pixel that cannot reach the
    /// image border through background pixels (4-connected) — i.e. the object's silhouette, which counts the dark
    /// parts of a garment as the garment.
    /// </summary>
    public static bool[] ObjectMask(Tensor x, float backgroundLevel = 0.05f, bool fillHoles = false)
    {
        GradientUtil.CheckImages(x, "ObjectMask");
        int n = x.Shape[0], c = x.Shape[1], h = x.Shape[2], w = x.Shape[3], hw = h * w;
        var xs = x.Contiguous().ToArray();
        var mask = new bool[n * hw];
        var outside = new bool[hw];
        var stack = new Stack<int>();
        for (int i = 0; i < n; i++)
        {
            var m = mask.AsSpan(i * hw, hw);
            for (int ch = 0; ch < c; ch++)
                for (int p = 0; p < hw; p++) m[p] |= xs[(i * c + ch) * hw + p] > backgroundLevel;
            if (!fillHoles) continue;
            // Flood the background from the border; whatever it does not reach belongs to the silhouette.
            Array.Clear(outside);
            for (int p = 0; p < hw; p++)
            {
                int r = p / w, q = p % w;
                if ((r == 0 || r == h - 1 || q == 0 || q == w - 1) && !m[p] && !outside[p]) { outside[p] = true; stack.Push(p); }
            }
            while (stack.Count > 0)
            {
                int p = stack.Pop(), r = p / w, q = p % w;
                if (r > 0) Visit(p - w);
                if (r < h - 1) Visit(p + w);
                if (q > 0) Visit(p - 1);
                if (q < w - 1) Visit(p + 1);
            }
            for (int p = 0; p < hw; p++) m[p] = !outside[p];

            void Visit(int p)
            {
                if (mask[i * hw + p] || outside[p]) return;
                outside[p] = true;
                stack.Push(p);
            }
        }
        return mask;
    }

    /// <summary>
    /// Per image, the share of a non-negative attribution map's mass (summed over channels) that lies inside
    /// <paramref name="mask"/> ([N·H·W], e.g. <see cref="ObjectMask"/>); NaN for an image whose map is all zero.
    /// </summary>
    public static double[] MassInside(Tensor attribution, Tensor x, bool[] mask)
    {
        var a = SpatialMap(attribution, x, "MassInside");
        int n = x.Shape[0], hw = x.Shape[2] * x.Shape[3];
        if (mask.Length != n * hw) throw new ArgumentException($"MassInside: the mask has {mask.Length} entries, the images {n}·{hw}.");
        var share = new double[n];
        for (int i = 0; i < n; i++)
        {
            double inside = 0, all = 0;
            for (int p = 0; p < hw; p++)
            {
                double v = a[i * hw + p];
                if (v < 0) throw new ArgumentException("MassInside: the attribution must be non-negative (take its absolute value or ReLU first).");
                all += v;
                if (mask[i * hw + p]) inside += v;
            }
            share[i] = all > 0 ? inside / all : double.NaN;
        }
        return share;
    }

    /// <summary>Spearman's rank correlation of two equally long vectors (ties get their mean rank).</summary>
    public static double Spearman(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length) throw new ArgumentException($"Spearman: lengths differ ({a.Length} vs {b.Length}).");
        if (a.Length < 2) return double.NaN;
        var ra = Ranks(a);
        var rb = Ranks(b);
        double ma = ra.Average(), mb = rb.Average(), sab = 0, saa = 0, sbb = 0;
        for (int i = 0; i < ra.Length; i++)
        {
            double da = ra[i] - ma, db = rb[i] - mb;
            sab += da * db; saa += da * da; sbb += db * db;
        }
        return saa == 0 || sbb == 0 ? 0 : sab / Math.Sqrt(saa * sbb);
    }

    /// <summary>The attribution reduced to one value per pixel ([N, H·W] flattened): summed over channels.</summary>
    internal static float[] SpatialMap(Tensor attribution, Tensor x, string who)
    {
        int n = x.Shape[0], h = x.Shape[2], w = x.Shape[3], hw = h * w;
        if (attribution.Rank != 4 || attribution.Shape[0] != n || attribution.Shape[2] != h || attribution.Shape[3] != w)
            throw new ShapeMismatchException($"{who}: the attribution must be [{n},C,{h},{w}] like the input {x.Shape}, got {attribution.Shape}.");
        int c = attribution.Shape[1];
        var a = attribution.Contiguous().ToArray();
        var m = new float[n * hw];
        for (int i = 0; i < n; i++)
            for (int ch = 0; ch < c; ch++)
                for (int p = 0; p < hw; p++) m[i * hw + p] += a[(i * c + ch) * hw + p];
        return m;
    }

    static int[] RankDescending(ReadOnlySpan<float> v)
    {
        var idx = new int[v.Length];
        for (int i = 0; i < idx.Length; i++) idx[i] = i;
        var keys = v.ToArray();
        for (int i = 0; i < keys.Length; i++) keys[i] = -keys[i];
        Array.Sort(keys, idx);      // ascending of −v: descending of v (stable order among ties is not required)
        return idx;
    }

    static double[] Ranks(ReadOnlySpan<float> v)
    {
        var idx = new int[v.Length];
        for (int i = 0; i < idx.Length; i++) idx[i] = i;
        var keys = v.ToArray();
        Array.Sort(keys, idx);
        var ranks = new double[v.Length];
        for (int i = 0; i < keys.Length;)
        {
            int j = i;
            while (j + 1 < keys.Length && keys[j + 1] == keys[i]) j++;
            double r = (i + j) / 2.0;
            for (int k = i; k <= j; k++) ranks[idx[k]] = r;
            i = j + 1;
        }
        return ranks;
    }
}
