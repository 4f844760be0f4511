using Fovea.NN;
using Fovea.Tests.Reference;

namespace Fovea.Tests.NN;

public class PoolLayerTests
{
    [Fact]
    public void ConstructorValidatesAtOnce()
    {
        Assert.Contains("MaxPool2d: pad should be at most half of effective kernel size",
            Assert.Throws<ArgumentException>(() => new MaxPool2d(3, padding: 2)).Message);
        Assert.Contains("AvgPool2d: kernel_size=[0,0] must be positive", Assert.Throws<ArgumentException>(() => new AvgPool2d(0)).Message);
        Assert.Contains("divisor_override=0", Assert.Throws<ArgumentException>(() => new AvgPool2d(2, divisorOverride: 0)).Message);
        Assert.Contains("output_size=(0, 2)", Assert.Throws<ArgumentException>(() => new AdaptiveAvgPool2d((0, 2))).Message);
        Assert.Contains("exactly one", Assert.Throws<ArgumentException>(() => new Upsample()).Message);
        Assert.Contains("align_corners", Assert.Throws<ArgumentException>(() => new Upsample(2f, "nearest", alignCorners: true)).Message);
        Assert.Contains("mode=\"cubic\"", Assert.Throws<ArgumentException>(() => new Upsample(2f, "cubic")).Message);
    }

    [Fact]
    public void StrideDefaultsToKernel()
    {
        Assert.Equal([3, 3], new MaxPool2d(3).Stride);
        Assert.Equal([2, 3], new AvgPool2d((2, 3)).Stride);
        Assert.Equal([1, 1], new MaxPool2d(3, stride: 1).Stride);
        Assert.Equal(new Shape(1, 2, 2, 3), new MaxPool2d(2).Call(Tensor.Zeros(1, 2, 5, 7)).Shape);
    }

    [Fact]
    public void WrongRankNamesLayerAndShapes()
    {
        foreach (var (layer, rank) in new (Module, int)[]
        {
            (new MaxPool1d(2), 3), (new MaxPool2d(2), 4), (new MaxPool3d(2), 5),
            (new AvgPool1d(2), 3), (new AvgPool2d(2), 4), (new AvgPool3d(2), 5),
            (new AdaptiveAvgPool2d(1), 4), (new AdaptiveMaxPool2d(1), 4), (new Upsample(2f, "bilinear"), 4),
        })
        {
            var shape = Enumerable.Repeat(4, rank + 1).ToArray();
            var m = Assert.Throws<ShapeMismatchException>(() => layer.Call(Tensor.Zeros(shape))).Message;
            Assert.StartsWith(layer.TypeName + "(", m);
            Assert.Contains(new Shape(shape).ToString(), m);
            Assert.Contains("expected input [N,C", m);
        }
        var e = Assert.Throws<ShapeMismatchException>(() => new MaxPool2d(3).Call(Tensor.Zeros(1, 1, 2, 8)));
        Assert.Contains("[1,1,2,8]", e.Message);
        Assert.StartsWith("MaxPool2d(kernel_size=3, stride=3, padding=0, dilation=1, ceil_mode=False)", e.Message);
    }

    [Fact]
    public void ReprMatchesPyTorch()
    {
        Assert.Equal("MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)", new MaxPool2d(2).ToString());
        Assert.Equal("AvgPool2d(kernel_size=3, stride=2, padding=1)", new AvgPool2d(3, 2, 1).ToString());
        Assert.Equal("AdaptiveAvgPool2d(output_size=(7, 7))", new AdaptiveAvgPool2d((7, 7)).ToString());
        Assert.Equal("AdaptiveAvgPool2d(output_size=1)", new AdaptiveAvgPool2d(1).ToString());
        Assert.Equal("Upsample(scale_factor=2.0, mode='nearest')", new Upsample(scaleFactor: 2).ToString());
        Assert.Equal("Upsample(size=(5, 7), mode='bilinear', align_corners=True)", new Upsample([5, 7], mode: "bilinear", alignCorners: true).ToString());
    }

    [Fact]
    public void AdaptivePoolKeepsAxisGivenNull()
    {
        Assert.Equal(new Shape(1, 2, 5, 3), new AdaptiveAvgPool2d((null, 3)).Call(Tensor.Zeros(1, 2, 5, 7)).Shape);
    }

    [Fact]
    public void GradCheckThroughEachPoolLayer()
    {
        var g = new Generator(4);
        foreach (var (layer, shape) in new (Module, int[])[]
        {
            (new MaxPool1d(3, 2, 1), [2, 2, 7]), (new MaxPool2d(3, 2, 1, ceilMode: true), [1, 2, 6, 5]), (new MaxPool3d(2), [1, 1, 4, 4, 2]),
            (new AvgPool1d(3, 2, 1), [2, 2, 7]), (new AvgPool2d(3, 2, 1, countIncludePad: false), [1, 2, 5, 6]), (new AvgPool3d(2), [1, 1, 2, 4, 4]),
            (new AdaptiveAvgPool2d((3, 2)), [1, 2, 7, 5]), (new AdaptiveMaxPool2d(2), [1, 2, 5, 6]),
            (new Upsample(2f), [1, 2, 2, 3]), (new Upsample([5, 4], mode: "bilinear", alignCorners: false), [1, 2, 3, 3]),
        })
        {
            // Distinct values 0.1 apart (shuffled), so no finite-difference step crosses a max-pooling tie.
            var v = Enumerable.Range(0, new Shape(shape).Numel).Select(i => 0.1f * i).ToArray();
            g.Shuffle(v.AsSpan());
            var x = Tensor.FromArray(v, shape).RequiresGrad_();
            var r = GradCheck.Check(t => layer.Call(t[0]), [x]);
            Assert.True(r.Ok, $"{layer}: {r.Message}");
        }
    }
}
