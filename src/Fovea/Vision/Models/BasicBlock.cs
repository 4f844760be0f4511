using Fovea.NN;

namespace Fovea.Vision.Models;

/// <summary>
/// ResNet's basic block: conv3x3-BN-ReLU-conv3x3-BN plus the shortcut, then ReLU. The shortcut is the identity, or
/// a 1x1 conv + BN where the stride or the width changes (option B of He et al.).
/// </summary>
public sealed class BasicBlock : Module
{
    readonly Conv2d _conv1, _conv2;
    readonly BatchNorm2d _bn1, _bn2;
    readonly Sequential? _shortcut;

    public BasicBlock(int inChannels, int outChannels, int stride, Generator? generator = null)
    {
        _conv1 = RegisterModule("conv1", new Conv2d(inChannels, outChannels, 3, stride: stride, padding: 1, bias: false, generator: generator));
        _bn1 = RegisterModule("bn1", new BatchNorm2d(outChannels));
        _conv2 = RegisterModule("conv2", new Conv2d(outChannels, outChannels, 3, padding: 1, bias: false, generator: generator));
        _bn2 = RegisterModule("bn2", new BatchNorm2d(outChannels));
        if (stride != 1 || inChannels != outChannels)
            _shortcut = RegisterModule("shortcut", new Sequential(
                new Conv2d(inChannels, outChannels, 1, stride: stride, bias: false, generator: generator), new BatchNorm2d(outChannels)));
    }

    public override Tensor Forward(Tensor x)
    {
        var y = _bn1.Call(_conv1.Call(x)).Relu();
        y = _bn2.Call(_conv2.Call(y));
        var s = _shortcut is null ? x : _shortcut.Call(x);
        return (y + s).Relu();
    }
}
