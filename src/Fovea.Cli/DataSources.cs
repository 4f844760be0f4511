using Fovea.Data;
using Fovea.Imaging;

namespace Fovea.Cli;

/// <summary>A training/test pair with the normalisation that suits it.</summary>
sealed record DataSource(string Name, Dataset Train, Dataset Test, float[] Mean, float[] Std, string Description);

/// <summary>Resolves --dataset and --data into data sets.</summary>
static class DataSources
{
    public static DataSource Resolve(string? dataset, string? dataDir)
    {
        string kind = (dataset ?? "fashion-mnist").ToLowerInvariant();
        switch (kind)
        {
            case "fashion-mnist" or "fmnist":
                if (dataDir is null)
                    return new DataSource("fashion-mnist-embedded", FashionMnist.LoadEmbedded(train: true), FashionMnist.LoadEmbedded(train: false),
                        [0.2860f], [0.3530f], "Fashion-MNIST, embedded balanced subset (6,000 train / 1,000 test)");
                RequireDir(dataDir);
                return new DataSource("fashion-mnist", FashionMnist.Load(dataDir, train: true), FashionMnist.Load(dataDir, train: false),
                    [0.2860f], [0.3530f], $"Fashion-MNIST from {dataDir}");
            case "mnist":
                RequireDir(dataDir ?? throw new UsageException("--dataset mnist needs --data DIR (a folder with the four IDX files)."));
                return new DataSource("mnist", Mnist.Load(dataDir, train: true), Mnist.Load(dataDir, train: false), [0.1307f], [0.3081f], $"MNIST from {dataDir}");
            case "cifar10" or "cifar100":
                RequireDir(dataDir ?? throw new UsageException($"--dataset {kind} needs --data DIR (the folder of the binary batches)."));
                bool c100 = kind == "cifar100";
                return new DataSource(kind, Cifar.Load(dataDir, train: true, c100), Cifar.Load(dataDir, train: false, c100),
                    [0.4914f, 0.4822f, 0.4465f], [0.2470f, 0.2435f, 0.2616f], $"{kind.ToUpperInvariant()} from {dataDir}");
            case "digits":
            {
                var all = UciDigits.Load(dataDir);
                return new DataSource("uci-digits", all, all, [0.2860f], [0.3530f], $"UCI digits from {dataDir ?? UciDigits.DefaultPath}");
            }
            case "folder":
                RequireDir(dataDir ?? throw new UsageException("--dataset folder needs --data DIR (DIR/train/CLASS/*.png and DIR/test/CLASS/*.png, or DIR/CLASS/*.png)."));
                return Folder(dataDir);
            default:
                throw new UsageException($"Unknown dataset '{dataset}'. Known: fashion-mnist, mnist, cifar10, cifar100, digits, folder.");
        }
    }

    static DataSource Folder(string dir)
    {
        var codec = SkiaImageCodec.Default;
        string train = Path.Combine(dir, "train"), test = Path.Combine(dir, "test");
        if (!Directory.Exists(test)) test = Path.Combine(dir, "val");
        if (Directory.Exists(train) && Directory.Exists(test))
        {
            var tr = new ImageFolder(train, codec, channels: 3);
            var te = new ImageFolder(test, codec, channels: 3, height: tr.SampleShape[1], width: tr.SampleShape[2]);
            return new DataSource("folder", tr, te, [0.5f, 0.5f, 0.5f], [0.25f, 0.25f, 0.25f], $"image folders {train} and {test}");
        }
        var all = new ImageFolder(dir, codec, channels: 3);
        var (a, b) = all.Split(0.2, seed: 0, stratify: true);
        return new DataSource("folder", a, b, [0.5f, 0.5f, 0.5f], [0.25f, 0.25f, 0.25f], $"image folder {dir} (80/20 split)");
    }

    static void RequireDir(string dir)
    {
        if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"Data folder '{dir}' does not exist.");
    }
}
