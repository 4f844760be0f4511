using Fovea.NN;
using Fovea.Tests.Reference;

namespace Fovea.Tests.NN;

public class LinearTests
{
    [Fact]
    public void ComputesXWtPlusB()
    {
        var l = new Linear(3, 2);
        l.LoadStateDict(new Dictionary<string, Tensor>
        {
            ["weight"] = Tensor.FromArray([1f, 2, 3, 4, 5, 6], 2, 3),
            ["bias"] = Tensor.FromArray([0.5f, -1f]),
        });
        var y = l.Call(Tensor.FromArray([1f, 0, -1, 2, 1, 0], 2, 3));
        TensorAssert.Close([-1.5f, -3f, 4.5f, 12f], y);
        Assert.Equal(new Shape(2, 2), y.Shape);
    }

    [Fact]
    public void WrongInputNamesLayerAndShapes()
    {
        var l = new Linear(784, 10);
        var e = Assert.Throws<ShapeMismatchException>(() => l.Call(Tensor.Zeros(8, 100)));
        Assert.Contains("Linear(in_features=784, out_features=10, bias=True)", e.Message);
        Assert.Contains("[*,784]", e.Message);
        Assert.Contains("[8,100]", e.Message);
        Assert.Throws<ArgumentException>(() => new Linear(0, 3));
    }

    [Fact]
    public void GradCheck()
    {
        var g = new Generator(5);
        var l = new Linear(4, 3, generator: g);
        var x = Tensor.Randn(g, 2, 5, 4).RequiresGrad_();
        TensorAssert.GradOk(t => l.Call(t[0]), x, l.Weight, l.Bias!);
    }

    [Fact]
    public void DefaultInitMatchesPyTorchBounds()
    {
        var l = new Linear(400, 300, generator: new Generator(7));
        float bound = 1f / MathF.Sqrt(400);
        InitTests.AssertUniform(l.Weight.ToArray(), -bound, bound);
        InitTests.AssertUniform(l.Bias!.ToArray(), -bound, bound, loose: true);
    }
}
