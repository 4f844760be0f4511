using Fovea.NN;

namespace Fovea.Vision.Models;

/// <summary>
/// Wide ResNet's pre-activation block: BN-ReLU-conv3x3-(dropout)-BN-ReLU-conv3x3 plus the shortcut (1x1 conv on the
/// pre-activated input where the shape changes).
/// </summary>
public sealed class WideBlock : Module
{
    readonly BatchNorm2d _bn1, _bn2;
    readonly Conv2d _conv1, _conv2;
    readonly Conv2d? _shortcut;
    readonly Dropout? _dropout;

    public WideBlock(int inChannels, int outChannels, int stride, float dropout = 0f, Generator? generator = null)
    {
        _bn1 = RegisterModule("bn1", new BatchNorm2d(inChannels));
        _conv1 = RegisterModule("conv1", new Conv2d(inChannels, outChannels, 3, stride: stride, padding: 1, bias: false, generator: generator));
        if (dropout > 0) _dropout = RegisterModule("dropout", new Dropout(dropout));
        _bn2 = RegisterModule("bn2", new BatchNorm2d(outChannels));
        _conv2 = RegisterModule("conv2", new Conv2d(outChannels, outChannels, 3, padding: 1, bias: false, generator: generator));
        if (stride != 1 || inChannels != outChannels)
            _shortcut = RegisterModule("shortcut", new Conv2d(inChannels, outChannels, 1, stride: stride, bias: false, generator: generator));
    }

    public override Tensor Forward(Tensor x)
    {
        var a = _bn1.Call(x).Relu();
        var y = _conv1.Call(a);
        if (_dropout != null) y = _dropout.Call(y);
        y = _conv2.Call(_bn2.Call(y).Relu());
        return y + (_shortcut is null ? x : _shortcut.Call(a));
    }
}
