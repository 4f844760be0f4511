using System.Reflection;

namespace Fovea.Data;

/// <summary>
/// Fashion-MNIST (Zalando, MIT licence): 28x28 grey images of 10 kinds of clothing, 60,000 for training and 10,000
/// for testing, in the MNIST file format. <see cref="LoadEmbedded"/> returns a balanced subset built into this
/// assembly (6,000 training images, 600 per class; 1,000 test images, 100 per class; cut by
/// tools/data/cut_fmnist_subset.py), so examples and tests run with no download.
/// </summary>
public static class FashionMnist
{
    /// <summary>Where Debian's <c>dataset-fashion-mnist</c> package puts the full set.</summary>
    public const string DefaultFolder = "/usr/share/datasets/fashion-mnist";

    /// <summary>The class names, indexed by label.</summary>
    public static IReadOnlyList<string> ClassNames { get; } =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>Loads the full training or test set from <paramref name="folder"/> (default <see cref="DefaultFolder"/>).</summary>
    public static ByteImageDataset Load(string? folder = null, bool train = true)
        => Mnist.Load(folder ?? DefaultFolder, train, [.. ClassNames]);

    /// <summary>The embedded balanced subset: 6,000 training or 1,000 test images, [N,1,28,28] in [0, 1].</summary>
    public static ByteImageDataset LoadEmbedded(bool train = true)
    {
        string prefix = train ? "train" : "t10k";
        var asm = typeof(FashionMnist).Assembly;
        using var images = Open(asm, $"Fovea.Data.Embedded.{prefix}-images-idx3-ubyte.gz");
        using var labels = Open(asm, $"Fovea.Data.Embedded.{prefix}-labels-idx1-ubyte.gz");
        return Mnist.FromStreams(images, $"embedded {prefix}-images-idx3-ubyte.gz", labels, $"embedded {prefix}-labels-idx1-ubyte.gz", [.. ClassNames]);
    }

    static Stream Open(Assembly asm, string name)
        => asm.GetManifestResourceStream(name) ?? throw new FileNotFoundException($"FashionMnist: embedded resource '{name}' is missing from {asm.GetName().Name}.");
}
