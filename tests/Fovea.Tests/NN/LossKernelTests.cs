using Fovea.Kernels.Loss;
using Fovea.Tests.Reference;

namespace Fovea.Tests.NN;

/// <summary>The fused cross-entropy kernels against plain double-precision loops, over odd sizes (every vector tail).</summary>
public class LossKernelTests
{
    /// <summary>Naive log-softmax of row (b, p) of an [n, c, s] buffer, in double.</summary>
    static double[] LogSoftmax(float[] x, int b, int p, int c, int s)
    {
        double m = double.NegativeInfinity;
        for (int k = 0; k < c; k++) m = Math.Max(m, x[(b * c + k) * s + p]);
        double sum = 0;
        for (int k = 0; k < c; k++) sum += Math.Exp(x[(b * c + k) * s + p] - m);
        var r = new double[c];
        for (int k = 0; k < c; k++) r[k] = x[(b * c + k) * s + p] - m - Math.Log(sum);
        return r;
    }

    public static TheoryData<int, int, int> Sizes() => new()
    {
        { 1, 1, 1 }, { 3, 2, 1 }, { 5, 7, 1 }, { 2, 17, 1 }, { 4, 33, 1 }, { 1, 130, 1 }, { 2, 3, 5 }, { 3, 9, 17 }, { 1, 4, 33 }, { 2, 1, 7 },
    };

    [Theory]
    [MemberData(nameof(Sizes))]
    public void IndexTargetsMatchNaiveLoops(int n, int c, int s)
    {
        var g = new Generator(n * 100 + c * 10 + s);
        var x = Tensor.Randn(g, n * c * s).ToArray();
        for (int i = 0; i < x.Length; i++) x[i] *= 3;
        var t = new float[n * s];
        for (int r = 0; r < t.Length; r++) t[r] = r % 4 == 3 ? -100 : g.NextInt(c);
        foreach (bool weighted in new[] { false, true })
            foreach (float eps in new[] { 0f, 0.15f })
            {
                var w = weighted ? Tensor.Rand(g, c).ToArray().Select(v => v + 0.5f).ToArray() : [];
                var loss = new float[n * s]; var rw = new float[n * s]; var lse = new float[n * s];
                CrossEntropyKernel.ForwardIndex(x, t, w, n, c, s, -100, eps, loss, rw, lse);
                var a = Tensor.Randn(g, n * s).ToArray();
                var gx = new float[x.Length];
                CrossEntropyKernel.BackwardIndex(x, t, w, n, c, s, -100, eps, rw, lse, a, gx);

                var eLoss = new float[n * s];
                var eGrad = new float[x.Length];
                for (int b = 0; b < n; b++)
                    for (int p = 0; p < s; p++)
                    {
                        int r = b * s + p, y = (int)t[r];
                        if (y == -100) continue;
                        var lp = LogSoftmax(x, b, p, c, s);
                        double W(int k) => weighted ? w[k] : 1;
                        double l = -(1 - eps) * W(y) * lp[y];
                        for (int k = 0; k < c; k++) l -= eps / c * W(k) * lp[k];
                        eLoss[r] = (float)l;
                        // d/dz_k = Σ_j coef_j (p_k − [k = j]) with coef_y = (1−ε)w_y and coef_j += ε/c·w_j.
                        for (int k = 0; k < c; k++)
                        {
                            double d = 0;
                            for (int j = 0; j < c; j++)
                            {
                                double coef = (j == y ? (1 - eps) * W(y) : 0) + eps / c * W(j);
                                d += coef * (Math.Exp(lp[k]) - (k == j ? 1 : 0));
                            }
                            eGrad[(b * c + k) * s + p] = (float)(a[r] * d);
                        }
                    }
                TensorAssert.Close(eLoss, loss, 1e-5f, 1e-5f, $"loss n={n} c={c} s={s} w={weighted} eps={eps}");
                TensorAssert.Close(eGrad, gx, 1e-5f, 1e-4f, $"grad n={n} c={c} s={s} w={weighted} eps={eps}");
            }
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void ProbabilityTargetsMatchNaiveLoops(int n, int c, int s)
    {
        var g = new Generator(n * 100 + c * 10 + s + 1);
        var x = Tensor.Randn(g, n * c * s).ToArray();
        var t = Tensor.Rand(g, n * c * s).ToArray();
        foreach (bool weighted in new[] { false, true })
            foreach (float eps in new[] { 0f, 0.2f })
            {
                var w = weighted ? Tensor.Rand(g, c).ToArray().Select(v => v + 0.5f).ToArray() : [];
                var loss = new float[n * s]; var lse = new float[n * s];
                CrossEntropyKernel.ForwardProb(x, t, w, n, c, s, eps, loss, lse);
                var a = Tensor.Randn(g, n * s).ToArray();
                var gx = new float[x.Length]; var gt = new float[x.Length];
                CrossEntropyKernel.BackwardProb(x, t, w, n, c, s, eps, lse, a, gx, gt);

                var eLoss = new float[n * s]; var eGx = new float[x.Length]; var eGt = new float[x.Length];
                for (int b = 0; b < n; b++)
                    for (int p = 0; p < s; p++)
                    {
                        int r = b * s + p;
                        var lp = LogSoftmax(x, b, p, c, s);
                        double W(int k) => weighted ? w[k] : 1;
                        double T(int k) => (1 - eps) * t[(b * c + k) * s + p] + eps / c;
                        double l = 0, wt = 0;
                        for (int k = 0; k < c; k++) { l -= W(k) * T(k) * lp[k]; wt += W(k) * T(k); }
                        eLoss[r] = (float)l;
                        for (int k = 0; k < c; k++)
                        {
                            int i = (b * c + k) * s + p;
                            eGx[i] = (float)(a[r] * (Math.Exp(lp[k]) * wt - W(k) * T(k)));
                            eGt[i] = (float)(a[r] * -(1 - eps) * W(k) * lp[k]);
                        }
                    }
                TensorAssert.Close(eLoss, loss, 1e-5f, 1e-5f, $"loss n={n} c={c} s={s}");
                TensorAssert.Close(eGx, gx, 1e-5f, 1e-4f, $"gx n={n} c={c} s={s}");
                TensorAssert.Close(eGt, gt, 1e-5f, 1e-4f, $"gt n={n} c={c} s={s}");
            }
    }
}
