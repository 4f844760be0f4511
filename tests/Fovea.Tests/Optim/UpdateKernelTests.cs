using Fovea.Optim;
using Fovea.Tests.Reference;

namespace Fovea.Tests.Optim;

/// <summary>The SIMD update loops against plain double-precision formulas, over every length 0..40 (all vector tails).</summary>
public class UpdateKernelTests
{
    delegate void NaiveStep(double[] p, double[] g, Dictionary<string, double[]> st, int step);

    static void Run(Func<Tensor, Optimizer> make, NaiveStep naive)
    {
        for (int n = 0; n <= 40; n++)
        {
            var gen = new Generator(n + 1);
            var p = Tensor.Randn(gen, n).RequiresGrad_();
            var pd = p.ToArray().Select(v => (double)v).ToArray();
            var opt = make(p);
            var st = new Dictionary<string, double[]>();
            for (int s = 1; s <= 4; s++)
            {
                var g = Tensor.Randn(gen, n);
                p.Grad = g;
                opt.Step();
                naive(pd, g.ToArray().Select(v => (double)v).ToArray(), st, s);
                TensorAssert.Close(pd.Select(v => (float)v).ToArray(), p.ToArray(), 1e-5f, 1e-4f, $"length {n}, step {s}");
            }
        }
    }

    static double[] Buf(Dictionary<string, double[]> st, string name, int n) => st.TryGetValue(name, out var b) ? b : st[name] = new double[n];

    [Fact]
    public void SgdNesterovWithWeightDecay() => Run(p => new SGD([p], lr: 0.1f, momentum: 0.9f, weightDecay: 0.01f, nesterov: true), (p, g, st, step) =>
    {
        bool first = !st.ContainsKey("b");
        var b = Buf(st, "b", p.Length);
        for (int i = 0; i < p.Length; i++)
        {
            double d = g[i] + 0.01 * p[i];
            b[i] = first ? d : 0.9 * b[i] + d;
            p[i] -= 0.1 * (d + 0.9 * b[i]);
        }
    });

    [Fact]
    public void AdamAmsgradWithWeightDecay() => Run(p => new Adam([p], lr: 0.01f, weightDecay: 0.1f, amsgrad: true), (p, g, st, step) =>
    {
        var m = Buf(st, "m", p.Length); var v = Buf(st, "v", p.Length); var vm = Buf(st, "vm", p.Length);
        for (int i = 0; i < p.Length; i++)
        {
            double gi = g[i] + 0.1 * p[i];
            m[i] = 0.9 * m[i] + 0.1 * gi;
            v[i] = 0.999 * v[i] + 0.001 * gi * gi;
            vm[i] = Math.Max(vm[i], v[i]);
            double den = Math.Sqrt(vm[i]) / Math.Sqrt(1 - Math.Pow(0.999, step)) + 1e-8;
            p[i] -= 0.01 / (1 - Math.Pow(0.9, step)) * m[i] / den;
        }
    });

    [Fact]
    public void AdamWDecoupled() => Run(p => new AdamW([p], lr: 0.01f, weightDecay: 0.5f), (p, g, st, step) =>
    {
        var m = Buf(st, "m", p.Length); var v = Buf(st, "v", p.Length);
        for (int i = 0; i < p.Length; i++)
        {
            p[i] *= 1 - 0.01 * 0.5;
            m[i] = 0.9 * m[i] + 0.1 * g[i];
            v[i] = 0.999 * v[i] + 0.001 * g[i] * g[i];
            double den = Math.Sqrt(v[i]) / Math.Sqrt(1 - Math.Pow(0.999, step)) + 1e-8;
            p[i] -= 0.01 / (1 - Math.Pow(0.9, step)) * m[i] / den;
        }
    });

    [Fact]
    public void RmsPropCenteredWithMomentum() => Run(p => new RMSprop([p], lr: 0.01f, alpha: 0.9f, weightDecay: 0.05f, momentum: 0.5f, centered: true), (p, g, st, step) =>
    {
        var sq = Buf(st, "sq", p.Length); var ga = Buf(st, "ga", p.Length); var b = Buf(st, "b", p.Length);
        for (int i = 0; i < p.Length; i++)
        {
            double gi = g[i] + 0.05 * p[i];
            sq[i] = 0.9 * sq[i] + 0.1 * gi * gi;
            ga[i] = 0.9 * ga[i] + 0.1 * gi;
            double avg = Math.Sqrt(sq[i] - ga[i] * ga[i]) + 1e-8;
            b[i] = 0.5 * b[i] + gi / avg;
            p[i] -= 0.01 * b[i];
        }
    });
}
