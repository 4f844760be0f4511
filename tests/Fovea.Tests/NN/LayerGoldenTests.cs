using Fovea.NN;
using Fovea.Tests.Reference;

namespace Fovea.Tests.NN;

/// <summary>
/// Each layer against PyTorch (tools/golden/layers_golden.py): build the same layer, load PyTorch's state dict, and
/// compare the state-dict keys and shapes, the output, the input gradient, every parameter gradient and the buffers
/// after the forward pass (relative error below 1e-4).
/// </summary>
public class LayerGoldenTests
{
    /// <summary>The Fovea twin of each PyTorch constructor in the golden file.</summary>
    static readonly Dictionary<string, Func<Module>> Layers = new()
    {
        ["linear"] = () => new Linear(5, 3),
        ["linear_nobias_3d"] = () => new Linear(5, 3, bias: false),
        ["flatten"] = () => new Flatten(),
        ["flatten_1_2"] = () => new Flatten(1, 2),
        ["identity"] = () => new Identity(),
        ["conv1d"] = () => new Conv1d(3, 4, 3, stride: 2, padding: 1),
        ["conv2d"] = () => new Conv2d(3, 4, 3),
        ["conv2d_groups"] = () => new Conv2d(4, 6, (3, 5), stride: (2, 1), padding: (1, 2), dilation: (1, 2), groups: 2, bias: false),
        ["conv2d_same"] = () => new Conv2d(3, 4, 4, padding: "same", dilation: 2),
        ["conv2d_depthwise"] = () => new Conv2d(4, 4, 3, padding: 1, groups: 4),
        ["conv3d"] = () => new Conv3d(2, 3, (2, 3, 3), stride: (1, 2, 1), padding: 1),
        ["convt1d"] = () => new ConvTranspose1d(3, 2, 4, stride: 2, padding: 1),
        ["convt2d"] = () => new ConvTranspose2d(4, 3, 3, stride: 2, padding: 1, outputPadding: 1),
        ["convt2d_groups"] = () => new ConvTranspose2d(4, 6, (3, 2), stride: (2, 1), groups: 2, bias: false, dilation: (1, 2)),
        ["convt3d"] = () => new ConvTranspose3d(2, 2, 3, stride: 2),
        ["maxpool1d"] = () => new MaxPool1d(3, 2, 1),
        ["maxpool2d"] = () => new MaxPool2d(2),
        ["maxpool2d_ceil"] = () => new MaxPool2d(3, 2, 1, ceilMode: true),
        ["maxpool2d_dilation"] = () => new MaxPool2d(3, stride: 1, padding: 1, dilation: 2),
        ["maxpool3d"] = () => new MaxPool3d(2),
        ["avgpool1d"] = () => new AvgPool1d(3, 2, 1),
        ["avgpool2d"] = () => new AvgPool2d(2),
        ["avgpool2d_ceil_nopad"] = () => new AvgPool2d(3, 2, 1, ceilMode: true, countIncludePad: false),
        ["avgpool2d_divisor"] = () => new AvgPool2d(3, 2, 1, divisorOverride: 5),
        ["avgpool3d"] = () => new AvgPool3d((2, 2, 2)),
        ["adaptiveavg2d"] = () => new AdaptiveAvgPool2d((3, 2)),
        ["adaptiveavg2d_1"] = () => new AdaptiveAvgPool2d(1),
        ["adaptivemax2d"] = () => new AdaptiveMaxPool2d((3, 4)),
        ["bn1d_train"] = () => new BatchNorm1d(4),
        ["bn1d_eval"] = () => new BatchNorm1d(4),
        ["bn2d_train"] = () => new BatchNorm2d(3),
        ["bn2d_eval"] = () => new BatchNorm2d(3),
        ["bn2d_cumulative"] = () => new BatchNorm2d(3, momentum: null),
        ["bn2d_noaffine"] = () => new BatchNorm2d(3, eps: 1e-3f, momentum: 0.2f, affine: false),
        ["bn2d_notrack_eval"] = () => new BatchNorm2d(3, trackRunningStats: false),
        ["bn3d_train"] = () => new BatchNorm3d(2),
        ["layernorm"] = () => new LayerNorm(5),
        ["layernorm_2d"] = () => new LayerNorm([3, 4], eps: 1e-4f),
        ["layernorm_noaffine"] = () => new LayerNorm(6, elementwiseAffine: false),
        ["groupnorm"] = () => new GroupNorm(2, 6),
        ["groupnorm_noaffine"] = () => new GroupNorm(3, 6, affine: false),
        ["embedding"] = () => new Embedding(10, 4),
        ["embedding_padding"] = () => new Embedding(10, 4, paddingIdx: 0),
        ["upsample_nearest"] = () => new Upsample(scaleFactor: 2),
        ["upsample_nearest_size"] = () => new Upsample(size: [5, 7]),
        ["upsample_bilinear"] = () => new Upsample(scaleFactor: 2, mode: "bilinear"),
        ["upsample_bilinear_ac"] = () => new Upsample(size: [5, 7], mode: "bilinear", alignCorners: true),
        ["dropout_eval"] = () => new Dropout(0.3f),
        ["dropout2d_eval"] = () => new Dropout2d(0.3f),
        ["small_cnn"] = () => new Sequential(new Conv2d(1, 4, 3, padding: 1), new BatchNorm2d(4), new ReLU(), new MaxPool2d(2), new Flatten(), new Linear(36, 5)),
        ["nested_seq"] = () => new Sequential(new Sequential(new Conv2d(2, 3, 3), new GroupNorm(1, 3)), new GELU(), new AdaptiveAvgPool2d(1), new Flatten(), new Linear(3, 2)),
        ["relu"] = () => new ReLU(),
        ["relu6"] = () => new ReLU6(),
        ["leakyrelu"] = () => new LeakyReLU(0.1f),
        ["prelu"] = () => new PReLU(),
        ["prelu_channels"] = () => new PReLU(3, init: 0.1f),
        ["elu"] = () => new ELU(0.5f),
        ["gelu"] = () => new GELU(),
        ["gelu_tanh"] = () => new GELU(approximate: "tanh"),
        ["silu"] = () => new SiLU(),
        ["sigmoid"] = () => new Sigmoid(),
        ["tanh"] = () => new Tanh(),
        ["softmax"] = () => new Softmax(dim: 1),
        ["logsoftmax"] = () => new LogSoftmax(dim: -1),
        ["hardswish"] = () => new Hardswish(),
        ["hardsigmoid"] = () => new Hardsigmoid(),
        ["relu6_wide"] = () => new ReLU6(),
        ["hardswish_wide"] = () => new Hardswish(),
        ["hardsigmoid_wide"] = () => new Hardsigmoid(),
    };

    public static TheoryData<string> Cases()
    {
        var d = new TheoryData<string>();
        foreach (var c in LayerGolden.Load()) d.Add(c.Name);
        return d;
    }

    [Fact]
    public void EveryGoldenCaseHasALayer()
    {
        var names = LayerGolden.Load().Select(c => c.Name).ToList();
        Assert.Equal(names.Order(), Layers.Keys.Order());
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesPyTorch(string name)
    {
        var g = LayerGolden.Load().Single(c => c.Name == name);
        var layer = Layers[name]();
        layer.Train(g.Training);

        // State-dict keys, order and shapes exactly as PyTorch's.
        var state = g.Under("state");
        var own = layer.StateDict();
        Assert.Equal(state.Select(s => s.Key), own.Keys);
        foreach (var (k, v) in state) Assert.True(v.Shape == own[k].Shape, $"{name} {k}: PyTorch {v.Shape}, Fovea {own[k].Shape}");
        layer.LoadStateDict(state.ToDictionary(s => s.Key, s => s.Value));

        bool indices = !g.Has("dx");
        var x = g["x"].Clone();
        if (!indices) x.RequiresGrad = true;
        var y = layer.Call(x);
        Close(name, "y", g["y"], y);
        if (y.RequiresGrad) y.Backward(g["dy"]);
        if (!indices) Close(name, "dx", g["dx"], x.Grad ?? Tensor.ZerosLike(x));
        var parameters = layer.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter);
        foreach (var (k, v) in g.Under("grad")) Close(name, "grad of " + k, v, parameters[k].Grad ?? Tensor.ZerosLike(v));
        var after = layer.StateDict();
        foreach (var (k, v) in g.Under("after")) Close(name, "after forward, " + k, v, after[k]);
    }

    static void Close(string name, string what, Tensor expected, Tensor actual)
    {
        Assert.True(expected.Shape == actual.Shape, $"{name} {what}: shape PyTorch {expected.Shape}, Fovea {actual.Shape}");
        var e = expected.ToArray();
        float scale = e.Length == 0 ? 0 : e.Max(MathF.Abs);
        try { TensorAssert.Close(e, actual.ToArray(), 1e-4f * scale + 1e-6f, 1e-4f, actual.Shape.ToString()); }
        catch (Exception ex) { Assert.Fail($"{name} {what}: {ex.Message}"); }
    }
}
