using Fovea.NN;

namespace Fovea.Tests.NN;

public class InitTests
{
    /// <summary>Values lie in [low, high] and have the uniform distribution's mean and variance (within sampling error).</summary>
    internal static void AssertUniform(float[] v, float low, float high, bool loose = false)
    {
        Assert.All(v, x => Assert.InRange(x, low, high));
        double mean = v.Average(x => (double)x), var = v.Average(x => (x - mean) * (x - mean));
        double w = high - low, expVar = w * w / 12;
        double tol = loose ? 0.3 : 0.05;
        Assert.InRange(mean, (low + high) / 2 - tol * w, (low + high) / 2 + tol * w);
        Assert.InRange(var, expVar * (1 - 2 * tol), expVar * (1 + 2 * tol));
        // The extremes are reached: not a narrower distribution.
        Assert.True(v.Max() > high - (loose ? 0.2 : 0.02) * w && v.Min() < low + (loose ? 0.2 : 0.02) * w);
    }

    internal static void AssertNormal(float[] v, float mean, float std)
    {
        double m = v.Average(x => (double)x), s = Math.Sqrt(v.Average(x => (x - m) * (x - m)));
        Assert.InRange(m, mean - 0.05 * std, mean + 0.05 * std);
        Assert.InRange(s, std * 0.95, std * 1.05);
    }

    [Fact]
    public void GainsMatchPyTorch()
    {
        Assert.Equal(1f, Init.CalculateGain("linear"));
        Assert.Equal(1f, Init.CalculateGain("sigmoid"));
        Assert.Equal(5f / 3f, Init.CalculateGain("tanh"));
        Assert.Equal(MathF.Sqrt(2), Init.CalculateGain("relu"));
        Assert.Equal(MathF.Sqrt(2f / (1 + 0.01f * 0.01f)), Init.CalculateGain("leaky_relu"));
        Assert.Equal(MathF.Sqrt(1f / 3f), Init.CalculateGain("leaky_relu", MathF.Sqrt(5)), 6);
        Assert.Equal(0.75f, Init.CalculateGain("selu"));
        Assert.Throws<ArgumentException>(() => Init.CalculateGain("swish"));
    }

    [Fact]
    public void FansOfAConvWeight()
    {
        var w = Tensor.Zeros(16, 8, 3, 5);
        Assert.Equal((8 * 15, 16 * 15), Init.CalculateFanInAndFanOut(w));
        Assert.Throws<ShapeMismatchException>(() => Init.CalculateFanInAndFanOut(Tensor.Zeros(4)));
    }

    [Fact]
    public void KaimingAndXavierStatistics()
    {
        var g = new Generator(3);
        var w = Tensor.Zeros(256, 128, 3, 3);
        int fanIn = 128 * 9, fanOut = 256 * 9;
        float b = MathF.Sqrt(2f) * MathF.Sqrt(3f / fanIn);
        AssertUniform(Init.KaimingUniform_(w, 0, "fan_in", "relu", g).ToArray(), -b, b);
        AssertNormal(Init.KaimingNormal_(w, 0, "fan_out", "relu", g).ToArray(), 0, MathF.Sqrt(2f / fanOut));
        float a = MathF.Sqrt(6f / (fanIn + fanOut));
        AssertUniform(Init.XavierUniform_(w, 1f, g).ToArray(), -a, a);
        AssertNormal(Init.XavierNormal_(w, 2f, g).ToArray(), 0, 2f * MathF.Sqrt(2f / (fanIn + fanOut)));
        AssertNormal(Init.Normal_(w, 1f, 0.5f, g).ToArray(), 1f, 0.5f);
        AssertUniform(Init.Uniform_(w, -2f, 3f, g).ToArray(), -2f, 3f);
        Assert.All(Init.Constant_(w, 0.25f).ToArray(), x => Assert.Equal(0.25f, x));
        Assert.All(Init.Ones_(w).ToArray(), x => Assert.Equal(1f, x));
        Assert.All(Init.Zeros_(w).ToArray(), x => Assert.Equal(0f, x));
        Assert.Throws<ArgumentException>(() => Init.KaimingUniform_(w, mode: "fan_avg"));
    }

    [Fact]
    public void SameGeneratorSeedSameWeights()
    {
        var a = new Linear(5, 4, generator: new Generator(9));
        var b = new Linear(5, 4, generator: new Generator(9));
        Assert.Equal(a.Weight.ToArray(), b.Weight.ToArray());
    }
}
