namespace Fovea.Data;

/// <summary>
/// MNIST-style data sets: IDX files <c>train-images-idx3-ubyte</c>, <c>train-labels-idx1-ubyte</c>,
/// <c>t10k-images-idx3-ubyte</c>, <c>t10k-labels-idx1-ubyte</c>, each optionally gzipped (".gz") and also accepted
/// with a dot before "idx". Images come out as [N,1,H,W] with pixels scaled to [0, 1].
/// </summary>
public static class Mnist
{
    /// <summary>The digit names "0".."9".</summary>
    public static IReadOnlyList<string> ClassNames { get; } = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

    /// <summary>Loads the training (60,000) or test (10,000) part of MNIST from <paramref name="folder"/>.</summary>
    public static ByteImageDataset Load(string folder, bool train) => Load(folder, train, [.. ClassNames]);

    /// <summary>Loads an MNIST-format pair of files from <paramref name="folder"/> with the given class names.</summary>
    internal static ByteImageDataset Load(string folder, bool train, string[] classNames)
    {
        ArgumentNullException.ThrowIfNull(folder);
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"MNIST-format data: folder '{folder}' does not exist.");
        string prefix = train ? "train" : "t10k";
        string images = Find(folder, prefix, "images", "idx3");
        string labels = Find(folder, prefix, "labels", "idx1");
        return FromFiles(images, labels, classNames);
    }

    static string Find(string folder, string prefix, string kind, string idx)
    {
        foreach (string sep in new[] { "-", "." })
            foreach (string ext in new[] { ".gz", "" })
            {
                string p = Path.Combine(folder, $"{prefix}-{kind}{sep}{idx}-ubyte{ext}");
                if (File.Exists(p)) return p;
            }
        throw new FileNotFoundException($"MNIST-format data: '{prefix}-{kind}-{idx}-ubyte[.gz]' not found in '{folder}'.");
    }

    /// <summary>Loads an images file [N,H,W] and a labels file [N] (IDX, unsigned bytes).</summary>
    public static ByteImageDataset FromFiles(string imagesPath, string labelsPath, string[]? classNames = null)
    {
        using var img = File.OpenRead(imagesPath);
        using var lab = File.OpenRead(labelsPath);
        return FromStreams(img, imagesPath, lab, labelsPath, classNames ?? [.. ClassNames]);
    }

    internal static ByteImageDataset FromStreams(Stream images, string imagesName, Stream labels, string labelsName, string[] classNames)
    {
        var (ti, di, pixels) = Idx.ReadRaw(images, imagesName);
        var (tl, dl, lab) = Idx.ReadRaw(labels, labelsName);
        if (ti != Idx.DataType.UByte || di.Length != 3)
            throw new FoveaFormatException($"IDX file '{imagesName}': expected unsigned-byte images [N,H,W], found {ti} [{string.Join(",", di)}].");
        if (tl != Idx.DataType.UByte || dl.Length != 1)
            throw new FoveaFormatException($"IDX file '{labelsName}': expected unsigned-byte labels [N], found {tl} [{string.Join(",", dl)}].");
        if (dl[0] != di[0])
            throw new FoveaFormatException($"MNIST-format data: '{imagesName}' has {di[0]} images but '{labelsName}' has {dl[0]} labels.");
        var y = new int[lab.Length];
        for (int i = 0; i < y.Length; i++)
        {
            y[i] = lab[i];
            if (y[i] >= classNames.Length)
                throw new FoveaFormatException($"IDX file '{labelsName}': label {y[i]} of sample {i} is out of range for {classNames.Length} classes.");
        }
        return new ByteImageDataset(pixels, [1, di[1], di[2]], y, classNames);
    }
}
