using Fovea.NN;

namespace Fovea.Vision.Models;

/// <summary>
/// CIFAR-style ResNet (He et al. 2016, section 4.2): a 3x3 stem of 16 channels, three stages of
/// <c>blocksPerStage</c> basic blocks at 16, 32 and 64 channels (the last two halve the resolution), global average
/// pooling and a linear classifier. blocksPerStage = 3 gives ResNet-20, 5 ResNet-32, 9 ResNet-56.
/// </summary>
public sealed class ResNet : Module
{
    readonly Sequential _stem, _stages, _head;

    public ResNet(int inChannels, int numClasses, int blocksPerStage = 3, Generator? generator = null)
    {
        if (blocksPerStage <= 0) throw new ArgumentException($"ResNet: blocksPerStage must be positive, got {blocksPerStage}.");
        _stem = RegisterModule("stem", new Sequential(
            new Conv2d(inChannels, 16, 3, padding: 1, bias: false, generator: generator), new BatchNorm2d(16), new ReLU()));
        var blocks = new List<Module>();
        int c = 16;
        foreach (var (width, stride) in new[] { (16, 1), (32, 2), (64, 2) })
            for (int b = 0; b < blocksPerStage; b++)
            {
                blocks.Add(new BasicBlock(c, width, b == 0 ? stride : 1, generator));
                c = width;
            }
        _stages = RegisterModule("stages", new Sequential([.. blocks]));
        _head = RegisterModule("head", new Sequential(new AdaptiveAvgPool2d(1), new Flatten(), new Linear(64, numClasses, generator: generator)));
    }

    public override Tensor Forward(Tensor x) => _head.Call(_stages.Call(_stem.Call(x)));
}
