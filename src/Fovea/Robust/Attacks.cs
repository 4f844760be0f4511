using Fovea.Explain;
using Fovea.NN;
using Fovea.Training;

namespace Fovea.Robust;

/// <summary>
/// Adversarial attacks on a classifier that takes pixels in [0, 1] (wrap a model trained on normalised inputs in
/// <see cref="NormalizedModel"/>), so ε is in pixel units. x is [N,C,H,W] in [0, 1]; y holds the true classes [N]
/// (or, for targeted attacks, the target classes). Every attack returns adversarial images in [0, 1], detached.
/// The model should be in evaluation mode; its parameter gradients are left untouched.
/// </summary>
public static class Attacks
{
    /// <summary>Fast gradient sign method (Goodfellow et al. 2015): x + ε·sign(∇ₓ CE), or x − ε·sign(∇ₓ CE) towards a target.</summary>
    public static Tensor Fgsm(Module model, Tensor x, Tensor y, float eps, bool targeted = false)
    {
        Check(x, y, eps, "Fgsm");
        var (g, _) = GradientUtil.Gradient(model, x, xi => GradientUtil.CrossEntropySum(model.Call(xi), y));
        var xs = x.Contiguous().ToArray();
        var gs = g.Contiguous().ToArray();
        float dir = targeted ? -eps : eps;
        for (int i = 0; i < xs.Length; i++) xs[i] = Math.Clamp(xs[i] + dir * MathF.Sign(gs[i]), 0f, 1f);
        return Tensor.FromArray(xs, x.Shape.ToArray());
    }

    /// <summary>
    /// Projected gradient descent (Madry et al. 2018): <paramref name="steps"/> steps of size <paramref name="alpha"/>
    /// (sign of the gradient for L∞, the normalised gradient for L2), each projected back onto the ε-ball around x and
    /// onto [0, 1]; optionally from a uniform random start in the ball, and with <paramref name="restarts"/> tries
    /// (each sample keeps the first successful try, else the one with the highest loss).
    /// </summary>
    public static Tensor Pgd(Module model, Tensor x, Tensor y, float eps, float alpha, int steps, AttackNorm norm = AttackNorm.LInf,
        bool randomStart = true, int restarts = 1, bool targeted = false, Generator? generator = null)
    {
        Check(x, y, eps, "Pgd");
        if (steps < 1 || restarts < 1) throw new ArgumentException($"Pgd: steps ({steps}) and restarts ({restarts}) must be at least 1.");
        if (!(alpha > 0)) throw new ArgumentException($"Pgd: alpha must be positive, got {alpha}.");
        var gen = generator ?? new Generator(0);
        int n = x.Shape[0], per = x.Numel / Math.Max(n, 1);
        var shape = x.Shape.ToArray();
        var x0 = x.Contiguous().ToArray();
        float[]? best = null;
        var bestLoss = new double[n];
        var done = new bool[n];
        for (int r = 0; r < restarts; r++)
        {
            var adv = (float[])x0.Clone();
            if (randomStart)
            {
                var delta = new float[x0.Length];
                if (norm == AttackNorm.LInf)
                    for (int i = 0; i < delta.Length; i++) delta[i] = (2 * gen.NextFloat() - 1) * eps;
                else
                {
                    for (int i = 0; i < delta.Length; i++) delta[i] = gen.NextNormal();
                    for (int s = 0; s < n; s++)
                    {
                        var d = delta.AsSpan(s * per, per);
                        float scale = eps * gen.NextFloat() / Math.Max(Norm2(d), 1e-12f);
                        for (int i = 0; i < d.Length; i++) d[i] *= scale;
                    }
                }
                for (int i = 0; i < adv.Length; i++) adv[i] = Math.Clamp(x0[i] + delta[i], 0f, 1f);
            }
            for (int k = 0; k < steps; k++)
            {
                var (g, _) = GradientUtil.Gradient(model, Tensor.FromArray(adv, shape), xi => GradientUtil.CrossEntropySum(model.Call(xi), y));
                var gs = g.Contiguous().ToArray();
                float dir = targeted ? -1f : 1f;
                for (int s = 0; s < n; s++)
                {
                    var a = adv.AsSpan(s * per, per);
                    var gg = gs.AsSpan(s * per, per);
                    var o = x0.AsSpan(s * per, per);
                    if (norm == AttackNorm.LInf)
                        for (int i = 0; i < per; i++) a[i] = Math.Clamp(Math.Clamp(a[i] + dir * alpha * MathF.Sign(gg[i]), o[i] - eps, o[i] + eps), 0f, 1f);
                    else
                    {
                        float step = dir * alpha / Math.Max(Norm2(gg), 1e-12f);
                        for (int i = 0; i < per; i++) a[i] += step * gg[i];
                        ProjectL2(a, o, eps);
                        for (int i = 0; i < per; i++) a[i] = Math.Clamp(a[i], 0f, 1f);
                    }
                }
            }
            if (restarts == 1) return Tensor.FromArray(adv, shape);
            var (success, loss) = Outcome(model, adv, shape, y, targeted);
            best ??= (float[])adv.Clone();
            for (int s = 0; s < n; s++)
            {
                if (done[s]) continue;
                if (success[s] || r == 0 || loss[s] > bestLoss[s])
                {
                    adv.AsSpan(s * per, per).CopyTo(best.AsSpan(s * per, per));
                    bestLoss[s] = loss[s];
                }
                done[s] = success[s];
            }
        }
        return Tensor.FromArray(best!, shape);
    }

    /// <summary>
    /// Momentum iterative FGSM (Dong et al. 2018): g ← μ·g + ∇/‖∇‖₁, x ← clip(x + α·sign(g)) within the L∞ ε-ball,
    /// α = ε / steps by default.
    /// </summary>
    public static Tensor MiFgsm(Module model, Tensor x, Tensor y, float eps, int steps = 10, float? alpha = null, float decay = 1f, bool targeted = false)
    {
        Check(x, y, eps, "MiFgsm");
        if (steps < 1) throw new ArgumentException($"MiFgsm: steps must be at least 1, got {steps}.");
        float a = alpha ?? eps / steps;
        int n = x.Shape[0], per = x.Numel / Math.Max(n, 1);
        var shape = x.Shape.ToArray();
        var x0 = x.Contiguous().ToArray();
        var adv = (float[])x0.Clone();
        var momentum = new float[adv.Length];
        float dir = targeted ? -1f : 1f;
        for (int k = 0; k < steps; k++)
        {
            var (g, _) = GradientUtil.Gradient(model, Tensor.FromArray(adv, shape), xi => GradientUtil.CrossEntropySum(model.Call(xi), y));
            var gs = g.Contiguous().ToArray();
            for (int s = 0; s < n; s++)
            {
                var gg = gs.AsSpan(s * per, per);
                float l1 = 0;
                foreach (float v in gg) l1 += Math.Abs(v);
                l1 = Math.Max(l1, 1e-12f);
                for (int i = s * per; i < (s + 1) * per; i++)
                {
                    momentum[i] = decay * momentum[i] + gs[i] / l1;
                    adv[i] = Math.Clamp(Math.Clamp(adv[i] + dir * a * MathF.Sign(momentum[i]), x0[i] - eps, x0[i] + eps), 0f, 1f);
                }
            }
        }
        return Tensor.FromArray(adv, shape);
    }

    /// <summary>
    /// DeepFool (Moosavi-Dezfooli et al. 2016), L2, multi-class: linearise the classifier around the current point and
    /// step to the nearest linearised decision boundary among the <paramref name="candidates"/> most likely classes,
    /// until the label changes or <paramref name="steps"/> iterations; the total step is scaled by 1 + overshoot.
    /// Samples the model already misclassifies are returned unchanged.
    /// </summary>
    public static Tensor DeepFool(Module model, Tensor x, int steps = 50, float overshoot = 0.02f, int candidates = 10)
    {
        if (x.Rank != 4) throw new ShapeMismatchException($"DeepFool: expected pixels [N,C,H,W], got {x.Shape}.");
        int n = x.Shape[0], per = x.Numel / Math.Max(n, 1);
        var shape = x.Shape.ToArray();
        var x0 = x.Contiguous().ToArray();
        float[] logits0;
        using (Autograd.NoGrad()) logits0 = model.Call(x).Contiguous().ToArray();
        int classes = logits0.Length / Math.Max(n, 1);
        int kc = Math.Min(Math.Max(candidates, 2), classes);
        var orig = new int[n];
        var cand = new int[n][];
        for (int s = 0; s < n; s++)
        {
            var row = logits0.AsSpan(s * classes, classes).ToArray();
            cand[s] = [.. Enumerable.Range(0, classes).OrderByDescending(c => row[c]).Take(kc)];
            orig[s] = cand[s][0];
        }
        var rTot = new float[x0.Length];
        var adv = (float[])x0.Clone();
        var active = Enumerable.Repeat(true, n).ToArray();
        for (int it = 0; it < steps && active.Any(b => b); it++)
        {
            // One backward pass per candidate rank: grads[j] holds ∇ logit_{cand[s][j]} for every sample s.
            var grads = new float[kc][];
            float[] logits = [];
            for (int j = 0; j < kc; j++)
            {
                var sel = new float[n * classes];
                for (int s = 0; s < n; s++) sel[s * classes + cand[s][j]] = 1f;
                var selT = Tensor.FromArray(sel, n, classes);
                Tensor? lg = null;
                var (g, _) = GradientUtil.Gradient(model, Tensor.FromArray(adv, shape), xi => { lg = model.Call(xi); return (lg * selT).Sum(); });
                grads[j] = g.Contiguous().ToArray();
                if (j == 0) logits = lg!.Detach().Contiguous().ToArray();
            }
            for (int s = 0; s < n; s++)
            {
                if (!active[s]) continue;
                var row = logits.AsSpan(s * classes, classes);
                if (Evaluator.ArgMax(row) != orig[s]) { active[s] = false; continue; }
                double bestDist = double.PositiveInfinity;
                int bestJ = -1;
                double bestF = 0, bestW2 = 0;
                for (int j = 1; j < kc; j++)
                {
                    double f = row[cand[s][j]] - row[orig[s]], w2 = 0;
                    for (int i = 0; i < per; i++) { double w = grads[j][s * per + i] - grads[0][s * per + i]; w2 += w * w; }
                    double dist = Math.Abs(f) / Math.Sqrt(w2 + 1e-12);
                    if (dist < bestDist) { bestDist = dist; bestJ = j; bestF = f; bestW2 = w2; }
                }
                double scale = (Math.Abs(bestF) + 1e-4) / (bestW2 + 1e-12);
                for (int i = 0; i < per; i++)
                {
                    int q = s * per + i;
                    rTot[q] += (float)(scale * (grads[bestJ][q] - grads[0][q]));
                    adv[q] = Math.Clamp(x0[q] + (1 + overshoot) * rTot[q], 0f, 1f);
                }
            }
        }
        return Tensor.FromArray(adv, shape);
    }

    /// <summary>
    /// Carlini–Wagner L2 (2017): minimise ‖x′ − x‖² + c·max(Z_y − max_{i≠y} Z_i, −κ) over x′ = (tanh(w) + 1) / 2 with
    /// Adam, for <paramref name="binarySteps"/> rounds of a per-sample binary search over c (from
    /// <paramref name="initialC"/>); each sample keeps its smallest successful perturbation (or x when none succeeds).
    /// Targeted: the margin is max_{i≠t} Z_i − Z_t.
    /// </summary>
    public static Tensor CarliniWagnerL2(Module model, Tensor x, Tensor y, float confidence = 0f, float initialC = 1f, int binarySteps = 6,
        int steps = 100, float learningRate = 0.05f, bool targeted = false)
    {
        Check(x, y, 1f, "CarliniWagnerL2");
        if (steps < 1 || binarySteps < 1) throw new ArgumentException($"CarliniWagnerL2: steps ({steps}) and binarySteps ({binarySteps}) must be at least 1.");
        int n = x.Shape[0], per = x.Numel / Math.Max(n, 1);
        var shape = x.Shape.ToArray();
        var x0 = x.Contiguous().ToArray();
        var best = (float[])x0.Clone();
        var bestL2 = Enumerable.Repeat(double.PositiveInfinity, n).ToArray();
        var c = Enumerable.Repeat((double)initialC, n).ToArray();
        var lo = new double[n];
        var hi = Enumerable.Repeat(1e10, n).ToArray();
        var labels = new int[n];
        for (int s = 0; s < n; s++) labels[s] = (int)y[s];
        var x0T = Tensor.FromArray(x0, shape);
        for (int b = 0; b < binarySteps; b++)
        {
            var w = new float[x0.Length];
            for (int i = 0; i < w.Length; i++) w[i] = MathF.Atanh(Math.Clamp(2 * x0[i] - 1, -1 + 1e-6f, 1 - 1e-6f));
            var m = new float[w.Length];
            var v = new float[w.Length];
            var cT = Tensor.FromArray([.. c.Select(q => (float)q)], n);
            var succeeded = new bool[n];
            for (int k = 1; k <= steps; k++)
            {
                float[] advArr = [], logitsArr = [];
                var (g, _) = GradientUtil.Gradient(model, Tensor.FromArray(w, shape), wi =>
                {
                    var adv = (wi.Tanh() + 1f) * 0.5f;
                    var z = model.Call(adv);
                    advArr = adv.Detach().Contiguous().ToArray();
                    logitsArr = z.Detach().Contiguous().ToArray();
                    var oh = y.OneHot(z.Shape[1]);
                    var zy = (z * oh).Sum(1);
                    var other = (z - oh * 1e4f).Max(1);
                    var margin = targeted ? other - zy : zy - other;
                    var f = margin.Clamp(-confidence, null);
                    var l2 = (adv - x0T).Square().Sum([1, 2, 3]);
                    return (l2 + cT * f).Sum();
                });
                // the image just evaluated: record improvements
                int classes = logitsArr.Length / Math.Max(n, 1);
                for (int s = 0; s < n; s++)
                {
                    var row = logitsArr.AsSpan(s * classes, classes);
                    bool ok = IsAdversarial(row, labels[s], targeted, confidence);
                    if (!ok) continue;
                    succeeded[s] = true;
                    double d2 = 0;
                    for (int i = s * per; i < (s + 1) * per; i++) { double d = advArr[i] - x0[i]; d2 += d * d; }
                    if (d2 < bestL2[s]) { bestL2[s] = d2; Array.Copy(advArr, s * per, best, s * per, per); }
                }
                var gs = g.Contiguous().ToArray();
                const float b1 = 0.9f, b2 = 0.999f;
                float c1 = 1 - MathF.Pow(b1, k), c2 = 1 - MathF.Pow(b2, k);
                for (int i = 0; i < w.Length; i++)
                {
                    m[i] = b1 * m[i] + (1 - b1) * gs[i];
                    v[i] = b2 * v[i] + (1 - b2) * gs[i] * gs[i];
                    w[i] -= learningRate * (m[i] / c1) / (MathF.Sqrt(v[i] / c2) + 1e-8f);
                }
            }
            for (int s = 0; s < n; s++)
            {
                if (succeeded[s]) { hi[s] = Math.Min(hi[s], c[s]); c[s] = (lo[s] + hi[s]) / 2; }
                else { lo[s] = Math.Max(lo[s], c[s]); c[s] = hi[s] < 1e9 ? (lo[s] + hi[s]) / 2 : c[s] * 10; }
            }
        }
        return Tensor.FromArray(best, shape);
    }

    // ---- helpers ----

    static bool IsAdversarial(ReadOnlySpan<float> logits, int label, bool targeted, float confidence)
    {
        float other = float.NegativeInfinity;
        for (int i = 0; i < logits.Length; i++) if (i != label) other = Math.Max(other, logits[i]);
        return targeted ? other - logits[label] <= -confidence && Evaluator.ArgMax(logits) == label : Evaluator.ArgMax(logits) != label;
    }

    static (bool[] Success, double[] Loss) Outcome(Module model, float[] adv, int[] shape, Tensor y, bool targeted)
    {
        float[] lg;
        using (Autograd.NoGrad()) lg = model.Call(Tensor.FromArray(adv, shape)).LogSoftmax(1).Contiguous().ToArray();
        int n = shape[0], classes = lg.Length / Math.Max(n, 1);
        var success = new bool[n];
        var loss = new double[n];
        for (int s = 0; s < n; s++)
        {
            var row = lg.AsSpan(s * classes, classes);
            int label = (int)y[s], pred = Evaluator.ArgMax(row);
            success[s] = targeted ? pred == label : pred != label;
            loss[s] = targeted ? row[label] : -row[label];
        }
        return (success, loss);
    }

    static float Norm2(ReadOnlySpan<float> v)
    {
        double s = 0;
        foreach (float a in v) s += (double)a * a;
        return (float)Math.Sqrt(s);
    }

    static void ProjectL2(Span<float> a, ReadOnlySpan<float> o, float eps)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++) { double d = a[i] - o[i]; s += d * d; }
        double norm = Math.Sqrt(s);
        if (norm <= eps) return;
        float f = (float)(eps / norm);
        for (int i = 0; i < a.Length; i++) a[i] = o[i] + (a[i] - o[i]) * f;
    }

    static void Check(Tensor x, Tensor y, float eps, string who)
    {
        if (x.Rank != 4) throw new ShapeMismatchException($"{who}: expected pixels [N,C,H,W], got {x.Shape}.");
        if (y.Rank != 1 || y.Shape[0] != x.Shape[0]) throw new ShapeMismatchException($"{who}: labels must be [N] = [{x.Shape[0]}], got {y.Shape}.");
        if (!(eps >= 0) || float.IsInfinity(eps)) throw new ArgumentException($"{who}: eps must be a finite non-negative number, got {eps}.");
    }
}
