using Fovea.NN;

namespace Fovea.Vision.Models;

/// <summary>
/// Fovea's model zoo: image classifiers constructible by name, for any input channel count, class count and
/// (square) image size. <c>ModelZoo.Create("cnn-bn", inChannels: 1, numClasses: 10, imageSize: 28)</c>.
/// </summary>
public static class ModelZoo
{
    /// <summary>The names <see cref="Create"/> accepts, with a one-line description each.</summary>
    public static IReadOnlyDictionary<string, string> Descriptions { get; } = new Dictionary<string, string>
    {
        ["fmnist-cnn"] = "2 conv (32, 64) + max-pool + 2 linear: the reference network of the peer benchmarks",
        ["cnn-bn"] = "fmnist-cnn with BatchNorm after every conv and dropout before the classifier",
        ["lenet5"] = "LeCun et al. 1998, with ReLU and max-pooling",
        ["vgg-small"] = "VGG-style 3 stages of two 3x3 conv + BN (64, 128, 256), global average pool",
        ["resnet20"] = "CIFAR-style ResNet-20 (He et al. 2016): 3 stages x 3 basic blocks (16, 32, 64)",
        ["mobilenet-small"] = "MobileNet-style depthwise-separable blocks (32..256), global average pool",
        ["wrn-16-4"] = "Wide ResNet 16-4 (Zagoruyko & Komodakis 2016), pre-activation blocks (64, 128, 256)",
    };

    /// <summary>All model names, in a stable order.</summary>
    public static IReadOnlyList<string> Names => [.. Descriptions.Keys];

    /// <summary>Builds a freshly initialised model; the generator makes initialisation reproducible.</summary>
    public static Module Create(string name, int inChannels = 1, int numClasses = 10, int imageSize = 28, Generator? generator = null)
    {
        if (inChannels <= 0) throw new ArgumentException($"ModelZoo: inChannels must be positive, got {inChannels}.");
        if (numClasses <= 1) throw new ArgumentException($"ModelZoo: numClasses must be at least 2, got {numClasses}.");
        var g = generator ?? Generator.Default;
        return name switch
        {
            "fmnist-cnn" => SmallCnn(inChannels, numClasses, imageSize, batchNorm: false, g),
            "cnn-bn" => SmallCnn(inChannels, numClasses, imageSize, batchNorm: true, g),
            "lenet5" => LeNet5(inChannels, numClasses, imageSize, g),
            "vgg-small" => VggSmall(inChannels, numClasses, g),
            "resnet20" => new ResNet(inChannels, numClasses, blocksPerStage: 3, g),
            "mobilenet-small" => MobileNetSmall(inChannels, numClasses, g),
            "wrn-16-4" => new WideResNet(inChannels, numClasses, depth: 16, widen: 4, g),
            _ => throw new ArgumentException($"Unknown model '{name}'. Known models: {string.Join(", ", Names)}."),
        };
    }

    static Sequential SmallCnn(int c, int classes, int size, bool batchNorm, Generator g)
    {
        if (size < 4) throw new ArgumentException($"ModelZoo: image size {size} is too small for two 2x2 poolings.");
        int s = size / 2 / 2;
        var layers = new List<Module> { new Conv2d(c, 32, 3, padding: 1, bias: !batchNorm, generator: g) };
        if (batchNorm) layers.Add(new BatchNorm2d(32));
        layers.AddRange([new ReLU(), new MaxPool2d(2), new Conv2d(32, 64, 3, padding: 1, bias: !batchNorm, generator: g)]);
        if (batchNorm) layers.Add(new BatchNorm2d(64));
        layers.AddRange([new ReLU(), new MaxPool2d(2), new Flatten()]);
        if (batchNorm) layers.Add(new Dropout(0.25f));
        layers.AddRange([new Linear(64 * s * s, 128, generator: g), new ReLU()]);
        if (batchNorm) layers.Add(new Dropout(0.5f));
        layers.Add(new Linear(128, classes, generator: g));
        return new Sequential([.. layers]);
    }

    static Sequential LeNet5(int c, int classes, int size, Generator g)
    {
        int s = (size / 2 - 4) / 2;
        if (s <= 0) throw new ArgumentException($"ModelZoo: image size {size} is too small for lenet5 (at least 12).");
        return new Sequential(
            new Conv2d(c, 6, 5, padding: 2, generator: g), new ReLU(), new MaxPool2d(2),
            new Conv2d(6, 16, 5, generator: g), new ReLU(), new MaxPool2d(2),
            new Flatten(),
            new Linear(16 * s * s, 120, generator: g), new ReLU(),
            new Linear(120, 84, generator: g), new ReLU(),
            new Linear(84, classes, generator: g));
    }

    static Sequential VggSmall(int c, int classes, Generator g)
    {
        var layers = new List<Module>();
        int inC = c;
        foreach (int w in new[] { 64, 128, 256 })
        {
            for (int i = 0; i < 2; i++)
            {
                layers.AddRange([new Conv2d(inC, w, 3, padding: 1, bias: false, generator: g), new BatchNorm2d(w), new ReLU()]);
                inC = w;
            }
            layers.Add(new MaxPool2d(2, ceilMode: true));
        }
        layers.AddRange([new AdaptiveAvgPool2d(1), new Flatten(), new Dropout(0.3f), new Linear(256, classes, generator: g)]);
        return new Sequential([.. layers]);
    }

    static Sequential MobileNetSmall(int c, int classes, Generator g)
    {
        var layers = new List<Module> { new Conv2d(c, 32, 3, padding: 1, bias: false, generator: g), new BatchNorm2d(32), new ReLU6() };
        int inC = 32;
        foreach (var (outC, stride) in new[] { (64, 1), (128, 2), (128, 1), (256, 2), (256, 1) })
        {
            layers.AddRange([
                new Conv2d(inC, inC, 3, stride: stride, padding: 1, groups: inC, bias: false, generator: g), new BatchNorm2d(inC), new ReLU6(),
                new Conv2d(inC, outC, 1, bias: false, generator: g), new BatchNorm2d(outC), new ReLU6()]);
            inC = outC;
        }
        layers.AddRange([new AdaptiveAvgPool2d(1), new Flatten(), new Dropout(0.2f), new Linear(inC, classes, generator: g)]);
        return new Sequential([.. layers]);
    }
}
