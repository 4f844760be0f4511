using Fovea.Tests.Reference;

namespace Fovea.Tests.OpTests;

public class EmbeddingTests
{
    [Fact]
    public void LooksUpRowsWithTheIndicesShape()
    {
        var w = Tensor.Arange(12).Reshape(4, 3);
        var idx = Tensor.FromArray([2, 0, 3, 2], 2, 2);
        var y = Fovea.Ops.Embedding(idx, w);
        Assert.Equal(new Shape(2, 2, 3), y.Shape);
        TensorAssert.Close([6f, 7f, 8f, 0f, 1f, 2f, 9f, 10f, 11f, 6f, 7f, 8f], y);
    }

    [Fact]
    public void GradientAccumulatesIntoRowsAndSkipsThePaddingRow()
    {
        var w = Tensor.Randn(new Generator(1), 5, 3).RequiresGrad_();
        var idx = Tensor.FromArray([1, 4, 1, 0, 4, 4]);
        var y = Fovea.Ops.Embedding(idx, w, paddingIdx: -1);   // row 4
        var g = Tensor.Randn(new Generator(2), 6, 3);
        y.Backward(g);
        var gs = g.ToArray();
        var expected = new float[15];
        int[] rows = [1, 4, 1, 0, 4, 4];
        for (int i = 0; i < 6; i++)
            if (rows[i] != 4)
                for (int j = 0; j < 3; j++) expected[rows[i] * 3 + j] += gs[i * 3 + j];
        TensorAssert.Close(expected, w.Grad!);
        // d/dw[r] = Σ over positions reading r of g (the padding row's zero gradient is by design, so it is checked above, not here).
        TensorAssert.GradOk(t => Fovea.Ops.Embedding(Tensor.FromArray([3, 1, 3, 0], 2, 2), t[0]), Tensor.Randn(new Generator(3), 4, 2).RequiresGrad_());
    }

    [Fact]
    public void BadIndicesAreClearErrors()
    {
        var w = Tensor.Zeros(4, 3);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Fovea.Ops.Embedding(Tensor.FromArray([1f, 4f]), w));
        Assert.Contains("[0, 4)", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Fovea.Ops.Embedding(Tensor.FromArray([-1f]), w));
        Assert.Throws<ArgumentOutOfRangeException>(() => Fovea.Ops.Embedding(Tensor.FromArray([1.5f]), w));
        Assert.Throws<ArgumentException>(() => Fovea.Ops.Embedding(Tensor.FromArray([1f]), w, paddingIdx: 4));
        Assert.Throws<ShapeMismatchException>(() => Fovea.Ops.Embedding(Tensor.FromArray([1f]), Tensor.Zeros(4)));
    }
}
