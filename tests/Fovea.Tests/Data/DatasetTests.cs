using Fovea.Data;
using Fovea.Tests.Reference;

namespace Fovea.Tests.Data;

public class DatasetTests
{
    static TensorDataset Numbers(int n, int classes = 3)
    {
        var x = new float[n * 2];
        var y = new int[n];
        for (int i = 0; i < n; i++) { x[2 * i] = i; x[2 * i + 1] = -i; y[i] = i % classes; }
        return new TensorDataset(x, [2], y);
    }

    [Fact]
    public void GetCopiesOneSample()
    {
        var (x, y) = Numbers(5).Get(3);
        TensorAssert.Close([3f, -3f], x);
        Assert.Equal(0, y);
        Assert.Throws<ArgumentOutOfRangeException>(() => Numbers(5).Get(5));
        Assert.Throws<ShapeMismatchException>(() => new TensorDataset(new float[5], [2], [0, 1]));
        Assert.Throws<ArgumentException>(() => new TensorDataset(new float[4], [2], [0, -1]));
    }

    [Fact]
    public void SplitIsDisjointCompleteAndSeeded()
    {
        var ds = Numbers(101);
        var (train, val) = ds.Split(0.2, seed: 5);
        Assert.Equal(20, val.Count);
        Assert.Equal(81, train.Count);
        var ti = ((Subset)train).Indices;
        var vi = ((Subset)val).Indices;
        Assert.Empty(ti.Intersect(vi));
        Assert.Equal(Enumerable.Range(0, 101), ti.Concat(vi).Order());
        Assert.Equal(ti.Order(), ti);                                    // original order kept
        Assert.Equal(vi, ((Subset)ds.Split(0.2, seed: 5).Validation).Indices);
        Assert.NotEqual(vi, ((Subset)ds.Split(0.2, seed: 6).Validation).Indices);
        var (x, _) = val.Get(0);
        Assert.Equal((float)vi[0], x[0]);
    }

    [Fact]
    public void StratifiedSplitKeepsClassBalance()
    {
        var ds = Numbers(300, classes: 3);
        var (train, val) = ds.Split(0.1, seed: 1, stratify: true);
        Assert.Equal(new[] { 10, 10, 10 }, val.ClassCounts());
        Assert.Equal(new[] { 90, 90, 90 }, train.ClassCounts());
    }

    [Fact]
    public void MaterializeCopiesEverything()
    {
        var sub = Numbers(10).Select([7, 2]);
        var m = sub.Materialize();
        Assert.Equal(2, m.Count);
        TensorAssert.Close([7f, -7f, 2f, -2f], m.Inputs());
        Assert.Equal(new[] { 1, 2 }, m.Labels());
    }

    [Fact]
    public void ByteImagesScaleToUnitRange()
    {
        var ds = new ByteImageDataset([0, 51, 255, 128], [1, 2, 2], [4], ["a", "b", "c", "d", "e"]);
        TensorAssert.Close([0f, 0.2f, 1f, 128 / 255f], ds.Get(0).Input, 1e-7f, 0);
        Assert.Equal(5, ds.NumClasses);
        Assert.Equal("ByteImageDataset(1 samples of [1,2,2], 5 classes)", ds.ToString());
        Assert.Throws<ArgumentException>(() => new ByteImageDataset([0], [1], [5], ["a"]));
    }
}
