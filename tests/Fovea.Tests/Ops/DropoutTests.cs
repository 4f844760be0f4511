using Fovea.Tests.Reference;

namespace Fovea.Tests.OpTests;

public class DropoutTests
{
    [Fact]
    public void EvaluationAndZeroProbabilityAreTheIdentity()
    {
        var x = Tensor.Randn(new Generator(1), 3, 4);
        Assert.Same(x, Fovea.Ops.Dropout(x, 0.5f, training: false));
        Assert.Same(x, Fovea.Ops.Dropout(x, 0f, training: true));
        var x4 = Tensor.Randn(new Generator(1), 2, 3, 4, 4);
        Assert.Same(x4, Fovea.Ops.Dropout2d(x4, 0.5f, training: false));
    }

    [Fact]
    public void TrainingZeroesAboutPAndScalesTheRest()
    {
        var x = Tensor.Rand(new Generator(2), 100, 100) + 1f;
        var y = Fovea.Ops.Dropout(x, 0.3f, training: true, new Generator(3));
        var xs = x.ToArray();
        var ys = y.ToArray();
        int zeros = 0;
        for (int i = 0; i < xs.Length; i++)
        {
            if (ys[i] == 0f) zeros++;
            else Assert.True(Math.Abs(xs[i] / 0.7f - ys[i]) < 1e-5f, $"{i}: {ys[i]}");
        }
        Assert.InRange(zeros / (double)xs.Length, 0.28, 0.32);
        Assert.All(Fovea.Ops.Dropout(x, 1f, true).ToArray(), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void TheSameSeedGivesTheSameMaskAndTheGradientUsesIt()
    {
        var x = Tensor.Randn(new Generator(4), 6, 7).RequiresGrad_();
        var a = Fovea.Ops.Dropout(x, 0.4f, true, new Generator(9));
        var b = Fovea.Ops.Dropout(x, 0.4f, true, new Generator(9));
        TensorAssert.Close(a, b, 0, 0);
        a.Sum().Backward();
        // d/dx = mask: 0 where dropped, 1/(1-p) where kept.
        var g = x.Grad!.ToArray();
        var ya = a.ToArray();
        for (int i = 0; i < g.Length; i++) Assert.True(Math.Abs((ya[i] == 0f ? 0f : 1f / 0.6f) - g[i]) < 1e-5f);
        TensorAssert.GradOk(t => Fovea.Ops.Dropout(t[0], 0.3f, true, new Generator(5)), Tensor.Randn(new Generator(6), 4, 5).RequiresGrad_());
    }

    [Fact]
    public void Dropout2dZeroesWholeChannels()
    {
        var x = Tensor.Rand(new Generator(7), 8, 16, 3, 5) + 1f;
        var y = Fovea.Ops.Dropout2d(x, 0.5f, true, new Generator(8));
        var xs = x.ToArray();
        var ys = y.ToArray();
        int dropped = 0;
        for (int p = 0; p < 8 * 16; p++)
        {
            bool zero = ys[p * 15] == 0f;
            if (zero) dropped++;
            for (int j = 0; j < 15; j++)
                Assert.True(Math.Abs((zero ? 0f : xs[p * 15 + j] * 2f) - ys[p * 15 + j]) < 1e-5f);
        }
        Assert.InRange(dropped, 40, 88);
        TensorAssert.GradOk(t => Fovea.Ops.Dropout2d(t[0], 0.5f, true, new Generator(5)), Tensor.Randn(new Generator(6), 2, 3, 2, 2).RequiresGrad_());
    }

    [Fact]
    public void BadArgumentsAreClearErrors()
    {
        var x = Tensor.Zeros(2, 3, 4);
        Assert.Throws<ArgumentException>(() => Fovea.Ops.Dropout(x, -0.1f, true));
        Assert.Throws<ArgumentException>(() => Fovea.Ops.Dropout(x, 1.5f, false));
        Assert.Throws<ArgumentException>(() => Fovea.Ops.Dropout(x, float.NaN, true));
        Assert.Throws<ArgumentException>(() => Fovea.Ops.Dropout2d(x, 2f, true));
        Assert.Throws<ShapeMismatchException>(() => Fovea.Ops.Dropout2d(Tensor.Zeros(2, 3), 0.5f, true));
    }
}
