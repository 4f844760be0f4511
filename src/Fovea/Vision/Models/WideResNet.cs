using Fovea.NN;

namespace Fovea.Vision.Models;

/// <summary>
/// Wide ResNet WRN-depth-widen (Zagoruyko &amp; Komodakis 2016): a 3x3 stem of 16 channels, three stages of
/// (depth − 4) / 6 pre-activation blocks at 16·widen, 32·widen and 64·widen channels, BN-ReLU, global average
/// pooling and a linear classifier.
/// </summary>
public sealed class WideResNet : Module
{
    readonly Conv2d _stem;
    readonly Sequential _stages, _head;

    public WideResNet(int inChannels, int numClasses, int depth = 16, int widen = 4, Generator? generator = null, float dropout = 0f)
    {
        if ((depth - 4) % 6 != 0 || depth < 10) throw new ArgumentException($"WideResNet: depth must be 6n+4 (10, 16, 22, 28, ...), got {depth}.");
        if (widen <= 0) throw new ArgumentException($"WideResNet: widen must be positive, got {widen}.");
        int n = (depth - 4) / 6;
        _stem = RegisterModule("stem", new Conv2d(inChannels, 16, 3, padding: 1, bias: false, generator: generator));
        var blocks = new List<Module>();
        int c = 16;
        foreach (var (width, stride) in new[] { (16 * widen, 1), (32 * widen, 2), (64 * widen, 2) })
            for (int b = 0; b < n; b++)
            {
                blocks.Add(new WideBlock(c, width, b == 0 ? stride : 1, dropout, generator));
                c = width;
            }
        _stages = RegisterModule("stages", new Sequential([.. blocks]));
        _head = RegisterModule("head", new Sequential(new BatchNorm2d(c), new ReLU(), new AdaptiveAvgPool2d(1), new Flatten(), new Linear(c, numClasses, generator: generator)));
    }

    public override Tensor Forward(Tensor x) => _head.Call(_stages.Call(_stem.Call(x)));
}
