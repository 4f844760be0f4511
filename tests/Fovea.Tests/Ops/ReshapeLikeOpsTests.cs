using Fovea.Tests.Reference;

namespace Fovea.Tests.OpTests;

public class ReshapeLikeOpsTests
{
    static Tensor P(Generator g, params int[] s) => Tensor.Randn(g, s).RequiresGrad_();
    static Tensor Seq(params int[] s) => Tensor.Arange(new Shape(s).Numel).Reshape(s);

    [Fact]
    public void PadModesMatchHandWorkedExamples()
    {
        var x = Tensor.FromArray([1f, 2f, 3f], 1, 3);
        TensorAssert.Close([9f, 1, 2, 3, 9, 9], x.Pad([1, 2], value: 9f));
        TensorAssert.Close([3f, 2, 1, 2, 3, 2, 1], x.Pad([2, 2], "reflect"));
        TensorAssert.Close([1f, 1, 1, 2, 3, 3], x.Pad([2, 1], "replicate"));
        TensorAssert.Close([2f], x.Pad([-1, -1]));                                         // crop
        var m = Seq(2, 3);
        var p = m.Pad([1, 0, 0, 1]);                                                       // left 1, bottom 1
        Assert.Equal(new Shape(3, 4), p.Shape);
        TensorAssert.Close([0f, 0, 1, 2, 0, 3, 4, 5, 0, 0, 0, 0], p);
        TensorAssert.Close([4f, 3, 4, 5, 4, 1, 0, 1, 2, 1, 4, 3, 4, 5, 4], m.Pad([1, 1, 1, 0], "reflect"));
        TensorAssert.Close(m.T.Contiguous().Pad([1, 1], "replicate"), m.T.Pad([1, 1], "replicate"));   // strided input
        Assert.Equal(new Shape(2, 5), Tensor.Zeros(2, 0).Pad([2, 3]).Shape);
        Assert.Throws<ArgumentException>(() => x.Pad([3, 0], "reflect"));
        Assert.Throws<ArgumentException>(() => x.Pad([1, 1], "circular"));
        Assert.Throws<ShapeMismatchException>(() => x.Pad([1, 1, 1]));
        Assert.Throws<ShapeMismatchException>(() => x.Pad([-2, -2]));
        var g = new Generator(81);
        TensorAssert.GradOk(t => t[0].Pad([1, 2, 2, 0], value: 0.3f), P(g, 2, 3, 4));
        TensorAssert.GradOk(t => t[0].Pad([2, 1, 1, 2], "reflect"), P(g, 1, 2, 3, 4));       // mirrored cells sum their g
        TensorAssert.GradOk(t => t[0].Pad([3, 1], "replicate"), P(g, 2, 3));
        TensorAssert.GradOk(t => t[0].Pad([-1, 1, 1, -1]), P(g, 3, 4));
        TensorAssert.GradOk(t => t[0].T.Pad([1, 1], "reflect"), P(g, 3, 2));
    }

    [Fact]
    public void RepeatTileAndFlip()
    {
        var x = Seq(2, 2);
        TensorAssert.Close([0f, 1, 0, 1, 2, 3, 2, 3, 0, 1, 0, 1, 2, 3, 2, 3], x.Repeat(2, 2));
        Assert.Equal(new Shape(3, 2, 4), x.Repeat(3, 1, 2).Shape);
        Assert.Equal(new Shape(2, 4), x.Tile(2).Shape);
        Assert.Equal(new Shape(2, 2, 2), x.Tile(2, 1, 1).Shape);
        Assert.Equal(new Shape(0, 2), x.Repeat(0, 1).Shape);
        TensorAssert.Close([0f, 2, 0, 2, 1, 3, 1, 3], x.T.Repeat(1, 2));
        Assert.Throws<ShapeMismatchException>(() => x.Repeat(2));
        TensorAssert.Close([3f, 2, 1, 0], x.Flip(0, 1));
        TensorAssert.Close([1f, 0, 3, 2], x.Flip(-1));
        TensorAssert.Close([2f, 0, 3, 1], x.T.Flip(1));
        Assert.Throws<ShapeMismatchException>(() => x.Flip(0, 0));
        Assert.Equal(3f, Tensor.Scalar(3f).Flip(0).Item());
        var g = new Generator(82);
        TensorAssert.GradOk(t => t[0].Repeat(2, 1, 3), P(g, 2, 3));                        // copies sum their g
        TensorAssert.GradOk(t => t[0].T.Tile(2), P(g, 3, 2));
        TensorAssert.GradOk(t => t[0].Flip(0, 2), P(g, 2, 3, 2));
        TensorAssert.GradOk(t => t[0].T.Flip(0), P(g, 3, 2));
    }
}
