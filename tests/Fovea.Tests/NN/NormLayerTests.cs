using Fovea.NN;
using Fovea.Tests.Reference;

namespace Fovea.Tests.NN;

public class NormLayerTests
{
    [Fact]
    public void BatchNormStateAndDefaults()
    {
        var bn = new BatchNorm2d(3);
        Assert.Equal(["weight", "bias", "running_mean", "running_var", "num_batches_tracked"], bn.StateDict().Keys);
        Assert.Equal(["weight", "bias"], bn.NamedParameters().Select(p => p.Name));
        Assert.Equal([1f, 1, 1], bn.Weight!.ToArray());
        Assert.Equal([0f, 0, 0], bn.Bias!.ToArray());
        Assert.Equal([0f, 0, 0], bn.RunningMean!.ToArray());
        Assert.Equal([1f, 1, 1], bn.RunningVar!.ToArray());
        Assert.Equal(0f, bn.NumBatchesTracked!.Item());
        Assert.Equal(0, bn.NumBatchesTracked.Rank);
        Assert.Empty(new BatchNorm2d(3, affine: false, trackRunningStats: false).StateDict());
        Assert.Equal("BatchNorm2d(3, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)", bn.ToString());
    }

    [Fact]
    public void TrainUsesBatchStatsAndUpdatesRunningStatsEvalUsesThem()
    {
        var bn = new BatchNorm1d(2);
        var x = Tensor.FromArray([1f, 10, 3, 20, 5, 30, 7, 40], 4, 2);
        var y = bn.Call(x);
        // Training: each column normalised by its batch mean and biased variance.
        Assert.Equal(0f, y.Mean(0)[0], 5);
        Assert.Equal(1f, (y * y).Mean(0)[1], 3);
        Assert.Equal(1f, bn.NumBatchesTracked!.Item());
        // running = 0.9·init + 0.1·batch (unbiased variance: 20/3 and 500/3)
        TensorAssert.Close([0.4f, 2.5f], bn.RunningMean!);
        TensorAssert.Close([0.9f + 0.1f * 20f / 3f, 0.9f + 0.1f * 500f / 3f], bn.RunningVar!);

        bn.Eval();
        var before = bn.RunningMean!.ToArray();
        var ye = bn.Call(x);
        Assert.Equal(before, bn.RunningMean!.ToArray());
        Assert.Equal(1f, bn.NumBatchesTracked!.Item());
        // Eval: (x − running_mean)/√(running_var + eps)
        Assert.Equal((1f - 0.4f) / MathF.Sqrt(0.9f + 2f / 3f + 1e-5f), ye[0, 0], 5);
    }

    [Fact]
    public void BatchNormNeedsMoreThanOneValuePerChannelWhenTraining()
    {
        var bn = new BatchNorm1d(3);
        var e = Assert.Throws<ShapeMismatchException>(() => bn.Call(Tensor.Zeros(1, 3)));
        Assert.Contains("more than 1 value per channel", e.Message);
        bn.Eval();
        Assert.Equal(new Shape(1, 3), bn.Call(Tensor.Zeros(1, 3)).Shape);
    }

    [Fact]
    public void ConstructorsValidateAtOnce()
    {
        Assert.Contains("BatchNorm2d: num_features=0 must be positive", Assert.Throws<ArgumentException>(() => new BatchNorm2d(0)).Message);
        Assert.Contains("momentum=1.5", Assert.Throws<ArgumentException>(() => new BatchNorm2d(3, momentum: 1.5f)).Message);
        Assert.Contains("GroupNorm: num_groups=4 must divide num_channels=6", Assert.Throws<ArgumentException>(() => new GroupNorm(4, 6)).Message);
        Assert.Contains("LayerNorm: normalized_shape=[0]", Assert.Throws<ArgumentException>(() => new LayerNorm(0)).Message);
        Assert.Contains("LayerNorm: eps", Assert.Throws<ArgumentException>(() => new LayerNorm(4, eps: 0)).Message);
    }

    [Fact]
    public void WrongRankAndChannelsNameLayerAndShapes()
    {
        foreach (var (layer, good, badRank) in new (Module, int[], int[])[]
        {
            (new BatchNorm1d(3), [2, 3, 4], [2, 3, 4, 5]),
            (new BatchNorm2d(3), [2, 3, 4, 4], [2, 3, 4]),
            (new BatchNorm3d(3), [2, 3, 2, 2, 2], [2, 3, 4, 4]),
            (new GroupNorm(1, 3), [2, 3, 4], [3]),
        })
        {
            var m = Assert.Throws<ShapeMismatchException>(() => layer.Call(Tensor.Zeros(badRank))).Message;
            Assert.StartsWith(layer.TypeName + "(", m);
            Assert.Contains(new Shape(badRank).ToString(), m);
            var bad = (int[])good.Clone();
            bad[1] = 5;
            m = Assert.Throws<ShapeMismatchException>(() => layer.Call(Tensor.Zeros(bad))).Message;
            Assert.StartsWith(layer.TypeName + "(", m);
            Assert.Contains(new Shape(bad).ToString(), m);
            Assert.Contains("3", m);
        }
        var ln = Assert.Throws<ShapeMismatchException>(() => new LayerNorm([3, 4]).Call(Tensor.Zeros(2, 4, 3))).Message;
        Assert.Equal("LayerNorm((3, 4), eps=1e-05, elementwise_affine=True): expected input [*,3,4], got [2,4,3] (trailing axes differ).", ln);
    }

    [Fact]
    public void ReprMatchesPyTorch()
    {
        Assert.Equal("LayerNorm((5,), eps=1e-05, elementwise_affine=True)", new LayerNorm(5).ToString());
        Assert.Equal("GroupNorm(2, 6, eps=1e-05, affine=True)", new GroupNorm(2, 6).ToString());
        Assert.Equal("BatchNorm1d(4, eps=0.001, momentum=None, affine=False, track_running_stats=True)",
            new BatchNorm1d(4, eps: 1e-3f, momentum: null, affine: false).ToString());
    }

    [Fact]
    public void GradCheckThroughEachNormLayer()
    {
        var g = new Generator(6);
        foreach (var (layer, shape) in new (Module, int[])[]
        {
            (new BatchNorm1d(3), [4, 3]), (new BatchNorm2d(2), [3, 2, 2, 3]), (new BatchNorm3d(2), [2, 2, 2, 2, 2]),
            (new LayerNorm([2, 3]), [2, 2, 3]), (new GroupNorm(2, 4), [2, 4, 3]),
        })
        {
            foreach (var p in layer.Parameters()) Init.Normal_(p, 1f, 0.5f, g);
            var x = Tensor.Randn(g, shape).RequiresGrad_();
            var inputs = new[] { x }.Concat(layer.Parameters()).ToArray();
            var r = GradCheck.Check(t => layer.Call(t[0]), inputs, eps: 1e-2f, atol: 2e-2f, rtol: 2e-2f);
            Assert.True(r.Ok, $"{layer}: {r.Message}");
            layer.Eval();
            r = GradCheck.Check(t => layer.Call(t[0]), inputs);
            Assert.True(r.Ok, $"{layer} (eval): {r.Message}");
        }
    }
}
