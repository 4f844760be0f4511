using Fovea.Tests.Reference;

namespace Fovea.Tests.OpTests;

public class SoftmaxTests
{
    static Tensor P(Generator g, params int[] s) => Tensor.Randn(g, s).RequiresGrad_();

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(3, 7, 1)]
    [InlineData(2, 5, 3)]
    [InlineData(1, 33, 17)]
    [InlineData(4, 1, 9)]
    [InlineData(2, 300, 1)]
    public void KernelMatchesDoubleReference(int outer, int n, int inner)
    {
        var x = Tensor.Randn(new Generator(outer * 100 + n + inner), outer, n, inner) * 5f;
        var y = x.Softmax(1);
        var ly = x.LogSoftmax(1);
        var xs = x.ToArray();
        var expS = new float[xs.Length];
        var expL = new float[xs.Length];
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++)
            {
                double m = double.NegativeInfinity, s = 0;
                for (int k = 0; k < n; k++) m = Math.Max(m, xs[(o * n + k) * inner + i]);
                for (int k = 0; k < n; k++) s += Math.Exp(xs[(o * n + k) * inner + i] - m);
                for (int k = 0; k < n; k++)
                {
                    int at = (o * n + k) * inner + i;
                    expS[at] = (float)(Math.Exp(xs[at] - m) / s);
                    expL[at] = (float)(xs[at] - m - Math.Log(s));
                }
            }
        TensorAssert.Close(expS, y, 1e-6f, 1e-5f);
        TensorAssert.Close(expL, ly, 1e-5f, 1e-5f);
    }

    [Fact]
    public void StableForHugeInputsAndRowsSumToOne()
    {
        var x = Tensor.FromArray([1000f, 1001f, 1002f, -1000f, 0f, 1000f], 2, 3);
        var y = x.Softmax(-1);
        Assert.DoesNotContain(y.ToArray(), v => float.IsNaN(v));
        TensorAssert.Close([1f, 1f], y.Sum(1), 1e-6f, 1e-6f);
        var l = x.LogSoftmax(1);
        Assert.Equal(-1000f, l[1, 1], 3);
    }

    [Fact]
    public void GradCheckOverAxesStridesAndScalars()
    {
        var g = new Generator(21);
        TensorAssert.GradOk(t => t[0].Softmax(1), P(g, 3, 5));      // y(g − Σ g·y)
        TensorAssert.GradOk(t => t[0].Softmax(0), P(g, 4, 3, 2));
        TensorAssert.GradOk(t => t[0].Softmax(-2), P(g, 2, 3, 3));
        TensorAssert.GradOk(t => t[0].LogSoftmax(-1), P(g, 3, 5)); // g − eʸ Σ g
        TensorAssert.GradOk(t => t[0].LogSoftmax(1), P(g, 2, 4, 3));
        TensorAssert.GradOk(t => t[0].Transpose(0, 1).Softmax(1), P(g, 4, 3));
        TensorAssert.GradOk(t => t[0].Expand(3, 4).LogSoftmax(0), P(g, 1, 4));
        TensorAssert.GradOk(t => t[0].Softmax(0), P(g));
        Assert.Equal(1f, Tensor.Scalar(3f).Softmax(-1).Item());
        Assert.Equal(new Shape(2, 0), Tensor.Zeros(2, 0).Softmax(1).Shape);
        Assert.Equal(new Shape(0, 3), Tensor.Zeros(0, 3).LogSoftmax(1).Shape);
    }
}
