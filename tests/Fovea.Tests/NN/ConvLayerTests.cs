using Fovea.NN;
using Fovea.Tests.Reference;

namespace Fovea.Tests.NN;

public class ConvLayerTests
{
    [Fact]
    public void ConstructorValidatesAtOnce()
    {
        Assert.Equal("Conv2d: groups=3 must divide in_channels=32.", Assert.Throws<ArgumentException>(() => new Conv2d(32, 64, 3, groups: 3)).Message);
        Assert.Contains("groups=4 must divide out_channels=6", Assert.Throws<ArgumentException>(() => new Conv2d(8, 6, 3, groups: 4)).Message);
        Assert.Contains("Conv2d: kernel_size=[0,0] must be positive", Assert.Throws<ArgumentException>(() => new Conv2d(3, 4, 0)).Message);
        Assert.Contains("Conv2d: kernel_size needs 1 or 2 values", Assert.Throws<ArgumentException>(() => new Conv2d(3, 4, [3, 3, 3])).Message);
        Assert.Contains("Conv1d: in_channels=0 must be positive", Assert.Throws<ArgumentException>(() => new Conv1d(0, 4, 3)).Message);
        Assert.Contains("padding=[-1,-1] must be non-negative", Assert.Throws<ArgumentException>(() => new Conv2d(3, 4, 3, padding: -1)).Message);
        Assert.Contains("not supported for strided", Assert.Throws<ArgumentException>(() => new Conv2d(3, 4, 3, stride: 2, padding: "same")).Message);
        Assert.Throws<ArgumentException>(() => new Conv2d(3, 4, 3, padding: "full"));
        Assert.Contains("output_padding=[2,2] must be smaller than either stride=[2,2] or dilation=[1,1]",
            Assert.Throws<ArgumentException>(() => new ConvTranspose2d(3, 4, 3, stride: 2, outputPadding: 2)).Message);
    }

    [Fact]
    public void WrongRankAndWrongChannelsNameLayerAndShapes()
    {
        var conv = new Conv2d(3, 16, 3);
        var e = Assert.Throws<ShapeMismatchException>(() => conv.Call(Tensor.Zeros(3, 8, 8)));
        Assert.Equal("Conv2d(3, 16, kernel_size=(3, 3), stride=(1, 1)): expected input [N,3,H,W], got [3,8,8] (3-D).", e.Message);
        e = Assert.Throws<ShapeMismatchException>(() => conv.Call(Tensor.Zeros(2, 1, 8, 8)));
        Assert.Equal("Conv2d(3, 16, kernel_size=(3, 3), stride=(1, 1)): expected input [N,3,H,W], got [2,1,8,8] (1 channels, expected 3).", e.Message);

        foreach (var (layer, rank, channels) in new (Module, int, int)[]
        {
            (new Conv1d(4, 2, 3), 3, 4), (new Conv3d(4, 2, 3), 5, 4),
            (new ConvTranspose1d(4, 2, 3), 3, 4), (new ConvTranspose2d(4, 2, 3), 4, 4), (new ConvTranspose3d(4, 2, 3), 5, 4),
        })
        {
            var bad = Enumerable.Repeat(5, rank).ToArray();
            bad[1] = channels + 1;
            var name = layer.TypeName + "(";
            var m1 = Assert.Throws<ShapeMismatchException>(() => layer.Call(Tensor.Zeros(Enumerable.Repeat(5, rank - 1).ToArray()))).Message;
            Assert.StartsWith(name, m1);
            Assert.Contains($"{rank - 1}-D", m1);
            var m2 = Assert.Throws<ShapeMismatchException>(() => layer.Call(Tensor.Zeros(bad))).Message;
            Assert.StartsWith(name, m2);
            Assert.Contains(new Shape(bad).ToString(), m2);
            Assert.Contains($"expected {channels}", m2);
        }
    }

    [Fact]
    public void InputSmallerThanTheKernelNamesLayerAndShape()
    {
        var e = Assert.Throws<ShapeMismatchException>(() => new Conv2d(3, 4, 5, padding: 1).Call(Tensor.Zeros(1, 3, 2, 9)));
        Assert.StartsWith("Conv2d(3, 4, kernel_size=(5, 5), stride=(1, 1), padding=(1, 1)): expected input spatial sizes of at least the kernel (5, 5)", e.Message);
        Assert.Contains("got [1,3,2,9] (axis 2 has 2)", e.Message);
    }

    [Fact]
    public void OverloadsAgree()
    {
        var a = new Conv2d(4, 6, 3, stride: 2, padding: 1, groups: 2);
        var b = new Conv2d(4, 6, [3, 3], [2, 2], new[] { 1, 1 }, [1, 1], groups: 2);
        var c = new Conv2d(4, 6, (3, 3), stride: (2, 2), padding: (1, 1), groups: 2);
        foreach (var m in new ConvNd[] { b, c })
        {
            Assert.Equal(a.KernelSize, m.KernelSize);
            Assert.Equal(a.Stride, m.Stride);
            Assert.Equal(a.Padding, m.Padding);
            Assert.Equal(a.Weight.Shape, m.Weight.Shape);
            Assert.Equal(a.ToString(), m.ToString());
        }
        Assert.Equal(new Shape(6, 2, 3, 3), a.Weight.Shape);
        Assert.Equal(new Shape(4, 3, 3, 3), new ConvTranspose2d(4, 6, 3, groups: 2).Weight.Shape);
        Assert.Equal(new Shape(4, 2, 3, 5, 1), new Conv3d(2, 4, (3, 5, 1)).Weight.Shape);
    }

    [Fact]
    public void ReprMatchesPyTorch()
    {
        Assert.Equal("Conv2d(3, 16, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), bias=False)", new Conv2d(3, 16, 3, 2, 1, bias: false).ToString());
        Assert.Equal("Conv2d(4, 4, kernel_size=(3, 3), stride=(1, 1), padding=same, dilation=(2, 2), groups=4)", new Conv2d(4, 4, 3, padding: "same", dilation: 2, groups: 4).ToString());
        Assert.Equal("Conv1d(3, 4, kernel_size=(3,), stride=(1,))", new Conv1d(3, 4, 3).ToString());
        Assert.Equal("ConvTranspose2d(4, 3, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), output_padding=(1, 1))",
            new ConvTranspose2d(4, 3, 3, stride: 2, padding: 1, outputPadding: 1).ToString());
    }

    [Fact]
    public void SamePaddingKeepsSizeEvenWithEvenKernels()
    {
        var conv = new Conv2d(2, 3, (4, 3), padding: "same", dilation: (1, 2));
        Assert.Equal(new Shape(1, 3, 7, 6), conv.Call(Tensor.Randn(new Generator(1), 1, 2, 7, 6)).Shape);
        Assert.Equal(new Shape(1, 3, 5, 4), new Conv2d(2, 3, 3, padding: "valid").Call(Tensor.Zeros(1, 2, 7, 6)).Shape);
    }

    [Fact]
    public void DefaultInitMatchesPyTorch()
    {
        var g = new Generator(11);
        var conv = new Conv2d(32, 64, 3, groups: 2, generator: g);
        float bound = 1f / MathF.Sqrt(16 * 9);                // fan_in = in/groups · k·k
        InitTests.AssertUniform(conv.Weight.ToArray(), -bound, bound);
        InitTests.AssertUniform(conv.Bias!.ToArray(), -bound, bound, loose: true);
        var convT = new ConvTranspose2d(64, 48, 4, groups: 2, generator: g);
        bound = 1f / MathF.Sqrt(24 * 16);                      // fan_in from weight axis 1 = out/groups · k·k
        InitTests.AssertUniform(convT.Weight.ToArray(), -bound, bound);
        InitTests.AssertUniform(convT.Bias!.ToArray(), -bound, bound, loose: true);
    }

    [Fact]
    public void GradCheckThroughEachConvLayer()
    {
        var g = new Generator(2);
        foreach (var (layer, shape) in new (ConvNd, int[])[]
        {
            (new Conv1d(2, 3, 3, stride: 2, padding: 1, generator: g), [2, 2, 7]),
            (new Conv2d(4, 2, (2, 3), stride: (1, 2), padding: (1, 0), dilation: (2, 1), groups: 2, generator: g), [1, 4, 5, 6]),
            (new Conv2d(2, 2, 2, padding: "same", generator: g), [1, 2, 4, 3]),
            (new Conv3d(2, 2, 2, padding: 1, generator: g), [1, 2, 3, 3, 2]),
            (new ConvTranspose1d(2, 3, 3, stride: 2, padding: 1, outputPadding: 1, generator: g), [2, 2, 4]),
            (new ConvTranspose2d(2, 4, 3, stride: 2, groups: 2, generator: g), [1, 2, 3, 3]),
            (new ConvTranspose3d(2, 1, 2, stride: 2, generator: g), [1, 2, 2, 2, 2]),
        })
        {
            var x = Tensor.Randn(g, shape).RequiresGrad_();
            var r = GradCheck.Check(t => layer.Call(t[0]), [x, layer.Weight, layer.Bias!]);
            Assert.True(r.Ok, $"{layer}: {r.Message}");
        }
    }

    [Fact]
    public void SummaryOfASmallCnn()
    {
        var net = new Sequential(
            new Conv2d(1, 8, 3, padding: 1), new ReLU(), new MaxPool2d(2),
            new Conv2d(8, 16, 3, groups: 2, bias: false), new ReLU(), new AdaptiveAvgPool2d(1),
            new Flatten(), new Linear(16, 10));
        net.Freeze("0.*");
        var s = net.Summary(2, 1, 28, 28);
        // params: 8·9+8 = 80; 16·4·9 = 576; 16·10+10 = 170 -> 826, of which 80 frozen.
        Assert.Contains("Total params: 826", s);
        Assert.Contains("Trainable params: 746", s);
        Assert.Contains("Frozen params: 80", s);
        // mult-adds: conv1 2·8·28·28·9 = 112,896; conv2 2·16·12·12·(4·9) = 165,888; fc 2·10·16 = 320.
        Assert.Contains("Total mult-adds: 279,104", s);
        Assert.Contains("[2,8,14,14]", s);
        Assert.Contains("[2,16,12,12]", s);
        Assert.Contains("Output shape: [2,10]", s);
        var lines = s.Split('\n');
        Assert.Contains(lines, l => l.StartsWith("3 ") && l.Contains("Conv2d") && l.Contains("576") && l.Contains("165,888"));
    }
}
