using Fovea.Tests.Reference;

namespace Fovea.Tests.OpTests;

public class MathOpsTests
{
    static Tensor P(Generator g, params int[] s) => Tensor.Randn(g, s).RequiresGrad_();
    // Positive inputs away from 0 (log, sqrt, pow).
    static Tensor Pos(Generator g, params int[] s) { using (Fovea.Autograd.NoGrad()) return (Tensor.Rand(g, s) + 0.5f).RequiresGrad_(); }
    // Values at least 0.05 away from 0, so finite differences do not straddle a kink.
    static Tensor AwayFromZero(Generator g, params int[] s)
    {
        var t = Tensor.Randn(g, s);
        var a = t.Storage;
        for (int i = 0; i < a.Length; i++) a[i] = a[i] >= 0 ? a[i] + 0.05f : a[i] - 0.05f;
        return t.RequiresGrad_();
    }

    [Fact]
    public void UnaryValuesMatchMathF()
    {
        var x = Tensor.FromArray([-2f, -0.5f, 0f, 0.25f, 3f]);
        var p = Tensor.FromArray([0.1f, 0.5f, 1f, 2f, 7f]);
        float[] Map(Tensor t, Func<float, float> f) => t.ToArray().Select(f).ToArray();
        TensorAssert.Close(Map(x, MathF.Exp), x.Exp());
        TensorAssert.Close(Map(p, MathF.Log), p.Log());
        TensorAssert.Close(Map(p, MathF.Sqrt), p.Sqrt());
        TensorAssert.Close(Map(x, MathF.Abs), x.Abs());
        TensorAssert.Close(Map(x, v => 1f / (1f + MathF.Exp(-v))), x.Sigmoid());
        TensorAssert.Close(Map(x, MathF.Tanh), x.Tanh());
        TensorAssert.Close(Map(x, v => v * v), x.Square());
        TensorAssert.Close(Map(p, v => MathF.Pow(v, 1.5f)), p.Pow(1.5f));
        TensorAssert.Close(Map(x, v => MathF.Pow(v, 3f)), x.Pow(3f));
        TensorAssert.Close(Map(x, v => Math.Clamp(v, -1f, 0.5f)), x.Clamp(-1f, 0.5f));
        TensorAssert.Close(Map(x, v => Math.Max(v, 0.1f)), x.Clamp(0.1f, null));
        TensorAssert.Close(Map(x, v => Math.Min(v, 0.1f)), x.Clamp(null, 0.1f));
        TensorAssert.Close([MathF.Pow(2f, 3f), MathF.Pow(0.5f, 3f)], Tensor.FromArray([2f, 0.5f]).Pow(Tensor.Scalar(3f)));
    }

    [Fact]
    public void UnaryOpsPassGradCheck()
    {
        var g = new Generator(11);
        TensorAssert.GradOk(t => t[0].Exp(), P(g, 3, 5));                       // d/dx eˣ = eˣ
        TensorAssert.GradOk(t => t[0].Log(), Pos(g, 2, 7));                      // 1/x
        TensorAssert.GradOk(t => t[0].Sqrt(), Pos(g, 9));                        // 1/(2√x)
        TensorAssert.GradOk(t => t[0].Abs(), AwayFromZero(g, 4, 3));             // sign(x)
        TensorAssert.GradOk(t => t[0].Sigmoid(), P(g, 3, 3, 2));                 // y(1−y)
        TensorAssert.GradOk(t => t[0].Tanh(), P(g, 17));                         // 1−y²
        TensorAssert.GradOk(t => t[0].Square(), P(g, 2, 5));                     // 2x
        TensorAssert.GradOk(t => t[0].Pow(2.5f), Pos(g, 6));                     // p·xᵖ⁻¹
        TensorAssert.GradOk(t => t[0].Pow(3f), P(g, 6));
        TensorAssert.GradOk(t => t[0].Pow(0f), P(g, 3));
        TensorAssert.GradOk(t => t[0].Clamp(-0.5f, 0.7f), AwayFromRange(g, 20, -0.5f, 0.7f)); // 1 inside, 0 outside
        TensorAssert.GradOk(t => t[0].Pow(t[1]), Pos(g, 2, 3), P(g, 3));         // d/dp = xᵖ ln x, broadcast
    }

    static Tensor AwayFromRange(Generator g, int n, float lo, float hi)
    {
        var t = Tensor.Randn(g, n);
        var a = t.Storage;
        for (int i = 0; i < n; i++)
            if (Math.Abs(a[i] - lo) < 0.05f || Math.Abs(a[i] - hi) < 0.05f) a[i] += 0.12f;
        return t.RequiresGrad_();
    }

    [Fact]
    public void UnaryOpsTakeStridedEmptyAndScalarInputs()
    {
        var g = new Generator(12);
        var x = Tensor.Randn(g, 3, 4);
        var xt = x.Transpose(0, 1);
        TensorAssert.Close(xt.Contiguous().Exp(), xt.Exp());
        TensorAssert.Close(xt.Contiguous().Tanh(), xt.Tanh());
        TensorAssert.Close(xt.Contiguous().Clamp(-0.1f, 0.1f), xt.Clamp(-0.1f, 0.1f));
        var e = Tensor.Randn(g, 1, 3).Expand(4, 3);
        TensorAssert.Close(e.Contiguous().Sigmoid(), e.Sigmoid());
        Assert.Equal(new Shape(0, 3), Tensor.Zeros(0, 3).Exp().Shape);
        Assert.Equal(new Shape(2, 0), Tensor.Zeros(2, 0).Pow(2.5f).Shape);
        var s = Tensor.Scalar(2f).Log();
        Assert.Equal(0, s.Rank);
        Assert.Equal(MathF.Log(2f), s.Item(), 6);
        TensorAssert.GradOk(t => t[0].Transpose(0, 1).Exp(), P(g, 3, 2));
        TensorAssert.GradOk(t => t[0].Expand(3, 4).Tanh(), P(g, 1, 4));
        TensorAssert.GradOk(t => t[0].Sigmoid(), P(g));
    }

    [Fact]
    public void ClampNeedsABound()
    {
        Assert.Throws<ArgumentException>(() => Tensor.Ones(2).Clamp(null, null));
    }

    [Fact]
    public void LargeTensorsSplitAcrossThreadsGiveTheSameResult()
    {
        int before = Fovea.Kernels.Parallelism.MaxThreads;
        try
        {
            Fovea.Kernels.Parallelism.MaxThreads = 3;
            var x = Tensor.Randn(new Generator(13), 200_003);
            var y = x.Tanh().ToArray();
            var xs = x.ToArray();
            var expected = new float[xs.Length];
            System.Numerics.Tensors.TensorPrimitives.Tanh(xs, expected);
            Assert.Equal(expected, y);
        }
        finally { Fovea.Kernels.Parallelism.MaxThreads = before; }
    }
}
