using Fovea.NN;
using Fovea.Tests.Reference;

namespace Fovea.Tests.NN;

public class ActivationLayerTests
{
    static Module[] All() =>
    [
        new ReLU(), new ReLU6(), new LeakyReLU(0.2f), new PReLU(), new PReLU(3), new ELU(0.5f), new GELU(), new GELU("tanh"),
        new SiLU(), new Sigmoid(), new Tanh(), new Softmax(1), new LogSoftmax(-1), new Hardswish(), new Hardsigmoid(),
    ];

    [Fact]
    public void GradCheckThroughEachActivation()
    {
        var g = new Generator(8);
        foreach (var layer in All())
        {
            // Values at least 0.05 away from the kinks at 0, ±3 and 6.
            var v = Tensor.Randn(g, 2, 3, 4).ToArray().Select(a => a * 3f).Select(a => Kinks(a)).ToArray();
            var x = Tensor.FromArray(v, 2, 3, 4).RequiresGrad_();
            var r = GradCheck.Check(t => layer.Call(t[0]), [x, .. layer.Parameters()]);
            Assert.True(r.Ok, $"{layer}: {r.Message}");
        }

        static float Kinks(float a)
        {
            foreach (float k in new[] { 0f, 3f, -3f, 6f })
                if (MathF.Abs(a - k) < 0.05f) return k + 0.1f;
            return a;
        }
    }

    [Fact]
    public void ReprMatchesPyTorch()
    {
        Assert.Equal(
            ["ReLU()", "ReLU6()", "LeakyReLU(negative_slope=0.2)", "PReLU(num_parameters=1)", "PReLU(num_parameters=3)", "ELU(alpha=0.5)",
             "GELU(approximate='none')", "GELU(approximate='tanh')", "SiLU()", "Sigmoid()", "Tanh()", "Softmax(dim=1)", "LogSoftmax(dim=-1)",
             "Hardswish()", "Hardsigmoid()"],
            All().Select(m => m.ToString()));
    }

    [Fact]
    public void ParametersAndValidation()
    {
        var p = new PReLU(3, init: 0.1f);
        Assert.Equal(["weight"], p.StateDict().Keys);
        Assert.Equal([0.1f, 0.1f, 0.1f], p.Weight.ToArray());
        var e = Assert.Throws<ShapeMismatchException>(() => p.Call(Tensor.Zeros(2, 4, 5)));
        Assert.Equal("PReLU(num_parameters=3): expected input [N,3,*], got [2,4,5] (4 channels, expected 3).", e.Message);
        e = Assert.Throws<ShapeMismatchException>(() => new Softmax(2).Call(Tensor.Zeros(2, 4)));
        Assert.Equal("Softmax(dim=2): expected input a tensor with axis 2, got [2,4] (2-D).", e.Message);
        Assert.Throws<ArgumentException>(() => new GELU("erf"));
        Assert.Throws<ArgumentException>(() => new PReLU(0));
        Assert.All(All().Where(m => m is not PReLU), m => Assert.Empty(m.StateDict()));
    }
}
