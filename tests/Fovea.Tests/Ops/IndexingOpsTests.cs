using Fovea.Tests.Reference;

namespace Fovea.Tests.OpTests;

public class IndexingOpsTests
{
    static Tensor P(Generator g, params int[] s) => Tensor.Randn(g, s).RequiresGrad_();
    static Tensor Seq(params int[] s) => Tensor.Arange(new Shape(s).Numel).Reshape(s);

    [Fact]
    public void GatherFollowsTorchGather()
    {
        var x = Seq(3, 4);
        var idx = Tensor.FromArray(new[] { 3, 0, 1, 1, 2, 2 }, 3, 2);
        TensorAssert.Close([3f, 0, 5, 5, 10, 10], x.Gather(1, idx));
        var idx0 = Tensor.FromArray(new[] { 2, 0, 1 }, 1, 3);
        TensorAssert.Close([8f, 1, 6], x.Gather(0, idx0));
        TensorAssert.Close([8f, 1, 6], x.Gather(-2, idx0));
        TensorAssert.Close([4f, 1], x.T.Gather(1, Tensor.FromArray(new[] { 1, 0 }, 2, 1)));   // strided input
        Assert.Throws<ArgumentException>(() => x.Gather(1, Tensor.FromArray(new[] { 4 }, 1, 1)));
        Assert.Throws<ShapeMismatchException>(() => x.Gather(1, Tensor.FromArray(new[] { 0 }, 1)));
        Assert.Equal(new Shape(3, 0), x.Gather(1, Tensor.Zeros(3, 0)).Shape);
        var g = new Generator(51);
        // d/dx: g scatter-added; repeated indices accumulate
        TensorAssert.GradOk(t => t[0].Gather(1, idx), P(g, 3, 4));
        TensorAssert.GradOk(t => t[0].Transpose(0, 1).Gather(0, Tensor.FromArray(new[] { 1, 0, 1 }, 1, 3)), P(g, 3, 2));
    }

    [Fact]
    public void IndexSelectAndOneHot()
    {
        var x = Seq(3, 4);
        TensorAssert.Close([2f, 0, 2, 6, 4, 6, 10, 8, 10], x.IndexSelect(1, Tensor.FromArray(new[] { 2, 0, 2 })));
        TensorAssert.Close([8f, 9, 10, 11], x.IndexSelect(-2, Tensor.FromArray(new[] { 2 })));
        TensorAssert.Close([1f, 5, 9], x.T.IndexSelect(0, Tensor.FromArray(new[] { 1 })));
        Assert.Equal(new Shape(0, 4), x.IndexSelect(0, Tensor.Zeros(0)).Shape);
        var g = new Generator(52);
        TensorAssert.GradOk(t => t[0].IndexSelect(1, Tensor.FromArray(new[] { 2, 0, 2 })), P(g, 2, 3, 2));
        TensorAssert.GradOk(t => t[0].T.IndexSelect(0, Tensor.FromArray(new[] { 1, 1 })), P(g, 3, 2));

        var oh = Tensor.FromArray(new[] { 2, 0, 1, 2 }, 2, 2).OneHot(3);
        Assert.Equal(new Shape(2, 2, 3), oh.Shape);
        TensorAssert.Close([0f, 0, 1, 1, 0, 0, 0, 1, 0, 0, 0, 1], oh);
        Assert.Equal(new Shape(4), Tensor.Scalar(3f).OneHot(-1).Shape);
        Assert.Equal(new Shape(0, 5), Tensor.Zeros(0).OneHot(5).Shape);
        Assert.Throws<ArgumentException>(() => Tensor.FromArray([3f]).OneHot(3));
        Assert.Throws<ArgumentException>(() => Tensor.FromArray([0.5f]).OneHot(3));
    }
}
