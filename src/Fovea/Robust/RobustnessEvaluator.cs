using System.Diagnostics;
using Fovea.NN;
using Fovea.Training;

namespace Fovea.Robust;

/// <summary>Measures a pixel-space classifier's accuracy under attacks.</summary>
public static class RobustnessEvaluator
{
    /// <summary>
    /// Runs every attack on every batch (pixels [B,C,H,W] in [0, 1], labels [B]). Robust accuracy counts an image
    /// as correct when the model classifies its adversarial version correctly; success rate is over the images the
    /// model got right to begin with; perturbation sizes average over the successful adversarials.
    /// </summary>
    public static RobustnessReport Evaluate(Module model, IEnumerable<(Tensor X, Tensor Y)> batches, IReadOnlyList<AttackSpec> attacks,
        Action<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(attacks);
        var data = batches.ToList();
        int count = 0, cleanCorrect = 0;
        var cleanOk = new List<bool[]>();
        foreach (var (x, y) in data)
        {
            var pred = Predict(model, x);
            var ok = new bool[pred.Length];
            for (int i = 0; i < pred.Length; i++) { ok[i] = pred[i] == (int)y[i]; if (ok[i]) cleanCorrect++; }
            cleanOk.Add(ok);
            count += pred.Length;
        }
        var results = new List<AttackResult>();
        foreach (var a in attacks)
        {
            var clock = Stopwatch.StartNew();
            int robust = 0, flipped = 0;
            double sumLinf = 0, sumL2 = 0;
            for (int b = 0; b < data.Count; b++)
            {
                var (x, y) = data[b];
                var adv = a.Run(model, x, y);
                if (adv.Shape != x.Shape) throw new ShapeMismatchException($"{a.Name}: returned {adv.Shape} for input {x.Shape}.");
                var pred = Predict(model, adv);
                var xs = x.Contiguous().ToArray();
                var xa = adv.Contiguous().ToArray();
                int per = xs.Length / Math.Max(pred.Length, 1);
                for (int i = 0; i < pred.Length; i++)
                {
                    bool ok = pred[i] == (int)y[i];
                    if (ok) robust++;
                    if (!ok && cleanOk[b][i])
                    {
                        flipped++;
                        double linf = 0, l2 = 0;
                        for (int j = i * per; j < (i + 1) * per; j++) { double d = Math.Abs(xa[j] - xs[j]); linf = Math.Max(linf, d); l2 += d * d; }
                        sumLinf += linf; sumL2 += Math.Sqrt(l2);
                    }
                }
            }
            var r = new AttackResult(a.Name, a.Eps, count == 0 ? double.NaN : (double)robust / count,
                cleanCorrect == 0 ? double.NaN : (double)flipped / cleanCorrect,
                flipped == 0 ? double.NaN : sumLinf / flipped, flipped == 0 ? double.NaN : sumL2 / flipped, count, clock.Elapsed.TotalSeconds);
            results.Add(r);
            progress?.Invoke($"{a.Name} eps {a.Eps}: robust accuracy {r.RobustAccuracy:P2}, success {r.SuccessRate:P2}, {r.Seconds:F1} s");
        }
        return new RobustnessReport(count == 0 ? double.NaN : (double)cleanCorrect / count, count, results);
    }

    /// <summary>The predicted class of each image.</summary>
    public static int[] Predict(Module model, Tensor x)
    {
        float[] l;
        using (Autograd.NoGrad()) l = model.Call(x).Contiguous().ToArray();
        int n = x.Shape[0], classes = l.Length / Math.Max(n, 1);
        var p = new int[n];
        for (int i = 0; i < n; i++) p[i] = Evaluator.ArgMax(l.AsSpan(i * classes, classes));
        return p;
    }
}
