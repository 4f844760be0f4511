using Fovea.Tests.Reference;

namespace Fovea.Tests.Tensors;

public class TensorTests
{
    [Fact]
    public void CreationAndViewsShareStorage()
    {
        var x = Tensor.Arange(6).Reshape(2, 3);
        Assert.Equal(new[] { 2, 3 }, (int[])x.Shape);
        var t = x.T;
        Assert.False(t.IsContiguous);
        TensorAssert.Close([0, 3, 1, 4, 2, 5], t);
        Assert.Equal(5f, t[2, 1]);
        Assert.Same(x.Storage, t.Storage);
    }

    [Fact]
    public void MatMulMatchesHandComputedValues()
    {
        var a = Tensor.FromArray([1f, 2, 3, 4, 5, 6], 2, 3);
        var b = Tensor.FromArray([7f, 8, 9, 10, 11, 12], 3, 2);
        TensorAssert.Close([58, 64, 139, 154], a.MatMul(b));
    }

    [Fact]
    public void ShapeErrorsNameTheOpAndShapes()
    {
        var e = Assert.Throws<ShapeMismatchException>(() => Tensor.Zeros(2, 3) + Tensor.Zeros(4));
        Assert.Contains("Add", e.Message);
        Assert.Contains("[2,3]", e.Message);
        Assert.Contains("[4]", e.Message);
        Assert.Throws<ShapeMismatchException>(() => Tensor.Zeros(6).Reshape(4, -1));
    }

    [Fact]
    public void ToStringShowsShapeAndValues()
    {
        var s = Tensor.FromArray([1f, 2.5f], 2).ToString();
        Assert.Equal("tensor([1, 2.5], shape=[2])", s);
    }

    [Fact]
    public void GeneratorIsDeterministicAndRestorable()
    {
        var g = new Generator(42);
        _ = g.NextNormal();
        var state = g.GetState();
        var a = Tensor.Randn(g, 5).ToArray();
        g.SetState(state);
        var b = Tensor.Randn(g, 5).ToArray();
        Assert.Equal(a, b);
    }
}
