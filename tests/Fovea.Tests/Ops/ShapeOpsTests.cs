using Fovea.Tests.Reference;

namespace Fovea.Tests.OpTests;

public class ShapeOpsTests
{
    static Tensor P(Generator g, params int[] s) => Tensor.Randn(g, s).RequiresGrad_();
    static Tensor Seq(params int[] s) => Tensor.Arange(new Shape(s).Numel).Reshape(s);

    [Fact]
    public void SqueezeAndUnsqueezeAreViews()
    {
        var x = Seq(2, 1, 3, 1);
        var s = x.Squeeze();
        Assert.Equal(new Shape(2, 3), s.Shape);
        Assert.Same(x.Storage, s.Storage);
        Assert.Equal(new Shape(2, 3, 1), x.Squeeze(1).Shape);
        Assert.Equal(new Shape(2, 1, 3), x.Squeeze(-1).Shape);
        Assert.Equal(new Shape(2, 1, 3, 1), x.Squeeze(0).Shape);     // size 2: unchanged, as in PyTorch
        var u = Seq(2, 3).Unsqueeze(-1);
        Assert.Equal(new Shape(2, 3, 1), u.Shape);
        Assert.Equal(new Shape(1, 2, 3), Seq(2, 3).Unsqueeze(0).Shape);
        Assert.Equal(new Shape(2, 1, 3), Seq(2, 3).Unsqueeze(-2).Shape);
        Assert.Equal(new Shape(1), Tensor.Scalar(1f).Unsqueeze(0).Shape);
        Assert.Equal(0, Tensor.Ones(1, 1).Squeeze().Rank);
        var t = Seq(3, 4).Transpose(0, 1).Unsqueeze(1);                // strided input
        TensorAssert.Close(Seq(3, 4).Transpose(0, 1).Contiguous().Reshape(4, 1, 3), t);
        Assert.Throws<ShapeMismatchException>(() => Seq(2, 3).Unsqueeze(3));
        var g = new Generator(31);
        TensorAssert.GradOk(t => t[0].Squeeze() * 1f, P(g, 1, 3, 1, 2));
        TensorAssert.GradOk(t => t[0].Transpose(0, 1).Unsqueeze(1) * 1f, P(g, 2, 3));
    }

    [Fact]
    public void NarrowAndSliceFollowPython()
    {
        var x = Seq(4, 6);
        var n = x.Narrow(1, 2, 3);
        Assert.Same(x.Storage, n.Storage);
        TensorAssert.Close([2f, 3, 4, 8, 9, 10, 14, 15, 16, 20, 21, 22], n);
        TensorAssert.Close([4f, 5, 10, 11, 16, 17, 22, 23], x.Narrow(-1, -2, 2));
        TensorAssert.Close([1f, 3, 5], x.Slice(1, 1, 100, 2).Narrow(0, 0, 1));
        TensorAssert.Close([18f, 19, 20, 21, 22, 23], x.Slice(0, -1, 4));
        Assert.Equal(new Shape(0, 6), x.Slice(0, 3, 1).Shape);
        Assert.Equal(new Shape(4, 2), x.Slice(1, -100, -4).Shape);
        TensorAssert.Close([0f, 3, 18, 21], x.Slice(0, 0, 4, 3).Slice(1, 0, 6, 3));
        TensorAssert.Close([6f, 18], x.Transpose(0, 1).Slice(1, 1, 4, 2).Narrow(0, 0, 1)); // strided input
        Assert.Throws<ShapeMismatchException>(() => x.Narrow(0, 3, 2));
        Assert.Throws<ArgumentException>(() => x.Slice(0, 0, 2, 0));
        var g = new Generator(32);
        TensorAssert.GradOk(t => t[0].Narrow(1, 1, 2) * 1f, P(g, 3, 4));
        TensorAssert.GradOk(t => t[0].Slice(-1, 0, 5, 2) * 1f, P(g, 2, 5));
        TensorAssert.GradOk(t => t[0].Transpose(0, 1).Slice(0, 1, 4, 2) * 1f, P(g, 3, 5));
    }

    [Fact]
    public void CatStackAndSplit()
    {
        var a = Seq(2, 3);
        var b = Seq(2, 1) + 100f;
        TensorAssert.Close([0f, 1, 2, 100, 3, 4, 5, 101], Tensor.Cat([a, b], 1));
        TensorAssert.Close([0f, 1, 2, 3, 4, 5, 0, 3, 1, 4, 2, 5], Tensor.Cat([a, a.T.Reshape(2, 3)], 0));
        Assert.Equal(new Shape(2, 3), Tensor.Cat([a, Tensor.Zeros(0, 3)], 0).Shape);
        var st = Tensor.Stack([a, a * 2f], -1);
        Assert.Equal(new Shape(2, 3, 2), st.Shape);
        Assert.Equal(10f, st[1, 2, 1]);
        Assert.Equal(new Shape(2, 2, 3), Tensor.Stack([a, a], 0).Shape);
        Assert.Equal(new Shape(2), Tensor.Stack([Tensor.Scalar(1f), Tensor.Scalar(2f)], 0).Shape);
        var parts = Seq(7, 2).Split(3, 0);
        Assert.Equal([3, 3, 1], parts.Select(p => p.Shape[0]));
        Assert.Same(parts[1].Storage, parts[0].Storage);
        TensorAssert.Close([12f, 13], parts[2]);
        var p2 = Seq(2, 5).Split([1, 0, 4], -1);
        Assert.Equal(new Shape(2, 0), p2[1].Shape);
        TensorAssert.Close([1f, 2, 3, 4, 6, 7, 8, 9], p2[2]);
        Assert.Throws<ShapeMismatchException>(() => Tensor.Cat([a, Seq(3, 2)], 1));
        Assert.Throws<ShapeMismatchException>(() => Seq(2, 5).Split([1, 2], 1));
        var g = new Generator(33);
        TensorAssert.GradOk(t => Tensor.Cat([t[0], t[1].Transpose(0, 1), t[2]], 1), P(g, 2, 3), P(g, 1, 2), P(g, 2, 2));
        TensorAssert.GradOk(t => Tensor.Stack([t[0], t[1]], 1), P(g, 2, 3), P(g, 2, 3));
        TensorAssert.GradOk(t => t[0].Split(2, 1)[1] * 1f, P(g, 2, 5));
        TensorAssert.GradOk(t => t[0].Split([2, 3], 1)[0] * t[0].Split([2, 3], 1)[1].Narrow(1, 0, 2), P(g, 2, 5));
    }
}
