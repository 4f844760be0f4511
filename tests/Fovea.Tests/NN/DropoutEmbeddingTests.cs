using Fovea.NN;
using Fovea.Tests.Reference;

namespace Fovea.Tests.NN;

public class DropoutEmbeddingTests
{
    [Fact]
    public void DropoutDropsAndScalesInTrainingAndIsIdentityInEval()
    {
        var d = new Dropout(0.25f, new Generator(1));
        var x = Tensor.Ones(100, 100);
        var y = d.Call(x).ToArray();
        int zeros = y.Count(v => v == 0);
        Assert.InRange(zeros, 2250, 2750);
        Assert.All(y.Where(v => v != 0), v => Assert.Equal(1f / 0.75f, v, 5));
        d.Eval();
        TensorAssert.Close(x, d.Call(x), 0, 0);
        Assert.Equal("Dropout(p=0.25, inplace=False)", d.ToString());
        Assert.Contains("between 0 and 1", Assert.Throws<ArgumentException>(() => new Dropout(1.5f)).Message);
    }

    [Fact]
    public void DropoutWithASeededGeneratorIsReproducible()
    {
        var x = Tensor.Ones(10, 10);
        var a = new Dropout(0.5f, new Generator(7)).Call(x).ToArray();
        var b = new Dropout(0.5f, new Generator(7)).Call(x).ToArray();
        Assert.Equal(a, b);
    }

    [Fact]
    public void Dropout2dDropsWholeChannels()
    {
        var d = new Dropout2d(0.5f, new Generator(3));
        var y = d.Call(Tensor.Ones(8, 16, 3, 3));
        int dropped = 0;
        for (int n = 0; n < 8; n++)
            for (int c = 0; c < 16; c++)
            {
                var vals = Enumerable.Range(0, 9).Select(i => y[n, c, i / 3, i % 3]).Distinct().ToArray();
                Assert.Single(vals);
                Assert.Contains(vals[0], new[] { 0f, 2f });
                if (vals[0] == 0) dropped++;
            }
        Assert.InRange(dropped, 40, 88);
        Assert.Throws<ShapeMismatchException>(() => d.Call(Tensor.Ones(2, 3)));
        d.Eval();
        TensorAssert.Close(Tensor.Ones(2, 3, 2, 2), d.Call(Tensor.Ones(2, 3, 2, 2)), 0, 0);
    }

    [Fact]
    public void TrainEvalSwitchesDropoutAndBatchNormInsideAModel()
    {
        var net = new Sequential(new Linear(4, 4), new BatchNorm1d(4), new Dropout(0.5f, new Generator(2)));
        var x = Tensor.Randn(new Generator(3), 8, 4);
        net.Eval();
        var a = net.Call(x).ToArray();
        var b = net.Call(x).ToArray();
        Assert.Equal(a, b);
        Assert.Equal(0f, ((BatchNorm1d)net[1]).NumBatchesTracked!.Item());
        net.Train();
        var c = net.Call(x).ToArray();
        Assert.Contains(0f, c);
        Assert.Equal(1f, ((BatchNorm1d)net[1]).NumBatchesTracked!.Item());
    }

    [Fact]
    public void EmbeddingLooksUpRowsAndSkipsPaddingGradient()
    {
        var e = new Embedding(5, 3, paddingIdx: 1, generator: new Generator(4));
        Assert.Equal([0f, 0, 0], Enumerable.Range(0, 3).Select(j => e.Weight[1, j]));
        var idx = Tensor.FromArray([2, 1, 4, 2], 2, 2);
        var y = e.Call(idx);
        Assert.Equal(new Shape(2, 2, 3), y.Shape);
        for (int j = 0; j < 3; j++) Assert.Equal(e.Weight[4, j], y[1, 0, j]);
        y.Sum().Backward();
        var gw = e.Weight.Grad!;
        Assert.Equal([2f, 2, 2], Enumerable.Range(0, 3).Select(j => gw[2, j]));
        Assert.Equal([0f, 0, 0], Enumerable.Range(0, 3).Select(j => gw[1, j]));
        Assert.Equal("Embedding(5, 3, padding_idx=1)", e.ToString());
        Assert.Contains("padding_idx=5", Assert.Throws<ArgumentException>(() => new Embedding(5, 3, paddingIdx: 5)).Message);
    }

    [Fact]
    public void EmbeddingInitIsStandardNormal()
    {
        var e = new Embedding(1000, 64, generator: new Generator(5));
        InitTests.AssertNormal(e.Weight.ToArray(), 0f, 1f);
    }

    [Fact]
    public void GradCheckThroughEmbedding()
    {
        var e = new Embedding(6, 2, generator: new Generator(6));
        var idx = Tensor.FromArray([0, 5, 3, 3, 1], 5);
        var r = GradCheck.Check(t => e.Call(idx), [e.Weight]);
        Assert.True(r.Ok, r.Message);
    }
}
