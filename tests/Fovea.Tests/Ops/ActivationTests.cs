using Fovea.Tests.Reference;

namespace Fovea.Tests.OpTests;

public class ActivationTests
{
    // Normal values scaled by `scale`, nudged at least 0.05 away from every kink so finite differences stay on one side.
    static Tensor Smooth(Generator g, float scale, int[] shape, params float[] kinks)
    {
        var t = Tensor.Randn(g, shape) * scale;
        var a = t.Storage;
        for (int i = 0; i < a.Length; i++)
            foreach (float k in kinks)
                if (Math.Abs(a[i] - k) < 0.05f) a[i] = k + (a[i] >= k ? 0.05f : -0.05f);
        return t.RequiresGrad_();
    }

    static readonly double Selu_A = 1.6732632423543772848170429916717, Selu_S = 1.0507009873554804934193349852946;
    static double Sig(double x) => 1 / (1 + Math.Exp(-x));
    static double Softplus(double x, double b, double th) => b * x > th ? x : Math.Log(1 + Math.Exp(b * x)) / b;

    // name, op, double reference
    public static IEnumerable<object[]> Forms() => new (string, Func<Tensor, Tensor>, Func<double, double>)[]
    {
        ("Relu6", t => t.Relu6(), x => Math.Min(Math.Max(x, 0), 6)),
        ("Hardtanh", t => t.Hardtanh(-0.5f, 2f), x => Math.Min(Math.Max(x, -0.5), 2)),
        ("LeakyRelu", t => t.LeakyRelu(0.2f), x => x > 0 ? x : 0.2 * x),
        ("Elu", t => t.Elu(0.7f), x => x > 0 ? x : 0.7 * (Math.Exp(x) - 1)),
        ("Selu", t => t.Selu(), x => Selu_S * (x > 0 ? x : Selu_A * (Math.Exp(x) - 1))),
        ("Gelu", t => t.Gelu(), x => 0.5 * x * (1 + NaiveMath.Erf(x / Math.Sqrt(2)))),
        ("GeluTanh", t => t.Gelu("tanh"), x => 0.5 * x * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)))),
        ("Silu", t => t.Silu(), x => x * Sig(x)),
        ("Hardswish", t => t.Hardswish(), x => x * Math.Min(Math.Max(x + 3, 0), 6) / 6),
        ("Hardsigmoid", t => t.Hardsigmoid(), x => Math.Min(Math.Max(x + 3, 0), 6) / 6),
        ("Softplus", t => t.Softplus(), x => Softplus(x, 1, 20)),
        ("Softplus2", t => t.Softplus(2f, 3f), x => Softplus(x, 2, 3)),
        ("Mish", t => t.Mish(), x => x * Math.Tanh(Softplus(x, 1, 20))),
        ("Erf", t => t.Erf(), NaiveMath.Erf),
    }.Select(f => new object[] { f.Item1, f.Item2, f.Item3 });

    [Theory]
    [MemberData(nameof(Forms))]
    public void KernelMatchesDoubleReferenceOnEveryTailLength(string name, Func<Tensor, Tensor> op, Func<double, double> reference)
    {
        var g = new Generator(name.Length * 31);
        for (int n = 0; n <= 67; n++) Check(n);
        Check(256); Check(1000);

        void Check(int n)
        {
            var x = Tensor.Randn(g, n) * 4f;
            var y = op(x);
            var xs = x.ToArray();
            var exp = xs.Select(v => (float)reference(v)).ToArray();
            TensorAssert.Close(exp, y.ToArray(), 2e-6f, 2e-5f, $"{name} n={n}");
        }
    }

    [Theory]
    [MemberData(nameof(Forms))]
    public void ExtremeInputsStayFinite(string name, Func<Tensor, Tensor> op, Func<double, double> reference)
    {
        var x = Tensor.FromArray([-1e30f, -200f, -88f, -30f, -1e-30f, 0f, 1e-30f, 30f, 88f, 200f, 1e30f,
                                  -1e30f, -200f, -88f, -30f, -1e-30f, 0f, 1e-30f, 30f, 88f, 200f]);
        var y = op(x).ToArray();
        var xs = x.ToArray();
        for (int i = 0; i < xs.Length; i++)
        {
            double e = reference(xs[i]);
            if (double.IsNaN(e) || Math.Abs(e) > 1e29) continue;
            Assert.True(Math.Abs(y[i] - e) <= 1e-6 + 1e-5 * Math.Abs(e), $"{name}({xs[i]}) = {y[i]}, expected {e}");
        }
    }

    [Fact]
    public void LargeTensorsSplitAcrossThreadsGiveTheSameResult()
    {
        int before = Fovea.Kernels.Parallelism.MaxThreads;
        try
        {
            Fovea.Kernels.Parallelism.MaxThreads = 5;                 // more chunks than cores: odd boundaries
            var x = (Tensor.Randn(new Generator(63), 300_007) * 3f).RequiresGrad_();
            var y = x.Gelu();
            var w = Tensor.Randn(new Generator(64), 300_007);
            (y * w).Sum().Backward();
            var xs = x.ToArray();
            var ys = y.ToArray();
            var gs = x.Grad!.ToArray();
            var ws = w.ToArray();
            for (int i = 0; i < xs.Length; i += 997)                  // spot-check against the one-element (scalar) path
            {
                var xi = Tensor.FromArray([xs[i]]).RequiresGrad_();
                var yi = xi.Gelu();
                (yi * ws[i]).Sum().Backward();
                Assert.True(Math.Abs(yi.Item() - ys[i]) <= 1e-6 + 1e-5 * Math.Abs(ys[i]), $"y[{i}]: {ys[i]} vs {yi.Item()}");
                Assert.True(Math.Abs(xi.Grad!.Item() - gs[i]) <= 1e-6 + 1e-5 * Math.Abs(gs[i]), $"grad[{i}]: {gs[i]} vs {xi.Grad!.Item()}");
            }
        }
        finally { Fovea.Kernels.Parallelism.MaxThreads = before; }
    }

    [Fact]
    public void ActivationsPassGradCheck()
    {
        var g = new Generator(61);
        int[] s = [3, 5];
        TensorAssert.GradOk(t => t[0].Relu6(), Smooth(g, 4, s, 0, 6));                         // 1 on (0, 6)
        TensorAssert.GradOk(t => t[0].Hardtanh(-0.5f, 0.7f), Smooth(g, 1, s, -0.5f, 0.7f));  // 1 on (min, max)
        TensorAssert.GradOk(t => t[0].LeakyRelu(0.1f), Smooth(g, 1, s, 0));                   // 1 or slope
        TensorAssert.GradOk(t => t[0].Elu(1.3f), Smooth(g, 1, s, 0));                         // 1 or αeˣ
        TensorAssert.GradOk(t => t[0].Selu(), Smooth(g, 1, s, 0));
        TensorAssert.GradOk(t => t[0].Gelu(), Smooth(g, 2, s));                               // Φ(x) + xφ(x)
        TensorAssert.GradOk(t => t[0].Gelu("tanh"), Smooth(g, 2, s));
        TensorAssert.GradOk(t => t[0].Silu(), Smooth(g, 3, s));                               // σ(1 + x(1 − σ))
        TensorAssert.GradOk(t => t[0].Hardswish(), Smooth(g, 3, s, -3, 3));                  // 0, x/3 + ½, 1
        TensorAssert.GradOk(t => t[0].Hardsigmoid(), Smooth(g, 3, s, -3, 3));                // 1/6 on (−3, 3)
        TensorAssert.GradOk(t => t[0].Softplus(), Smooth(g, 3, s));                          // σ(x)
        TensorAssert.GradOk(t => t[0].Softplus(2f, 1f), Smooth(g, 1, s, 0.5f));             // linear above βx = 1
        TensorAssert.GradOk(t => t[0].Mish(), Smooth(g, 3, s));
        TensorAssert.GradOk(t => t[0].Erf(), Smooth(g, 1.5f, s));                             // 2/√π e^(−x²)
        TensorAssert.GradOk(t => t[0].Transpose(0, 1).Gelu(), Smooth(g, 2, s));
        TensorAssert.GradOk(t => t[0].Expand(4, 5).Mish(), Smooth(g, 2, [1, 5]));
        TensorAssert.GradOk(t => t[0].Silu(), Smooth(g, 2, []));
    }

    [Fact]
    public void PreluSharesOrSplitsItsWeight()
    {
        var x = Tensor.FromArray([-1f, 2f, -3f, 4f, -5f, 6f, -7f, 8f], 2, 2, 2);
        TensorAssert.Close([-0.5f, 2, -1.5f, 4, -2.5f, 6, -3.5f, 8], x.Prelu(Tensor.FromArray([0.5f])));
        TensorAssert.Close([-0.1f, 2, -0.6f, 4, -0.5f, 6, -1.4f, 8], x.Prelu(Tensor.FromArray([0.1f, 0.2f])));
        Assert.Throws<ShapeMismatchException>(() => x.Prelu(Tensor.FromArray([0.1f, 0.2f, 0.3f])));
        var g = new Generator(62);
        // d/dx = 1 or w; d/dw = Σ g·min(x, 0)
        TensorAssert.GradOk(t => t[0].Prelu(t[1]), Smooth(g, 1, [2, 3, 4], 0), Tensor.FromArray([0.1f, -0.2f, 0.3f]).RequiresGrad_());
        TensorAssert.GradOk(t => t[0].Prelu(t[1]), Smooth(g, 1, [2, 3], 0), Tensor.FromArray([0.25f]).RequiresGrad_());
        TensorAssert.GradOk(t => t[0].Transpose(0, 1).Prelu(t[1]), Smooth(g, 1, [3, 2], 0), Tensor.FromArray([0.1f, 0.4f, -0.3f]).RequiresGrad_());
    }

    [Fact]
    public void BadArgumentsAreClearErrors()
    {
        var x = Tensor.Ones(3);
        Assert.Contains("approximate", Assert.Throws<ArgumentException>(() => x.Gelu("fast")).Message);
        Assert.Throws<ArgumentException>(() => x.Hardtanh(1f, -1f));
        Assert.Throws<ArgumentException>(() => x.Softplus(0f));
    }
}

/// <summary>Double-precision references for functions the BCL lacks (kept independent of the kernels' fits).</summary>
static class NaiveMath
{
    /// <summary>erf by its Maclaurin series for |x| &lt; 3 and by the continued fraction of erfc beyond.</summary>
    public static double Erf(double x)
    {
        double a = Math.Abs(x);
        if (a < 3)
        {
            double sum = 0, term = a;               // term = (−1)^n x^(2n+1) / n!
            for (int n = 0; n < 100; n++)
            {
                sum += term / (2 * n + 1);
                term *= -a * a / (n + 1);
                if (Math.Abs(term) < 1e-17) break;
            }
            return Math.Sign(x) * 2 / Math.Sqrt(Math.PI) * sum;
        }
        // erfc(a) = e^(−a²)/√π · 1/(a + (1/2)/(a + 1/(a + (3/2)/(a + ...))))
        double f = a;
        for (int k = 60; k >= 1; k--) f = a + k / 2.0 / f;
        double erfc = Math.Exp(-a * a) / Math.Sqrt(Math.PI) / f;
        return Math.Sign(x) * (1 - erfc);
    }
}
