namespace Fovea.Data;

/// <summary>
/// CIFAR-10 and CIFAR-100 in their binary form: records of label byte(s) then 3,072 pixel bytes (1,024 red, 1,024
/// green, 1,024 blue, row-major 32x32). CIFAR-10: <c>data_batch_1.bin</c>..<c>data_batch_5.bin</c> and
/// <c>test_batch.bin</c>; CIFAR-100: <c>train.bin</c> and <c>test.bin</c> with coarse then fine label (the fine,
/// 100-class label is used). Images come out as [N,3,32,32] in [0, 1].
/// </summary>
public static class Cifar
{
    const int Pixels = 3 * 32 * 32;

    /// <summary>CIFAR-10's class names, used when the folder has no <c>batches.meta.txt</c>.</summary>
    public static IReadOnlyList<string> Cifar10ClassNames { get; } =
        ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"];

    /// <summary>
    /// Loads the training or test part from <paramref name="folder"/> (or its <c>cifar-10-batches-bin</c> /
    /// <c>cifar-100-binary</c> sub-folder). Class names come from <c>batches.meta.txt</c> /
    /// <c>fine_label_names.txt</c> when present.
    /// </summary>
    public static ByteImageDataset Load(string folder, bool train, bool cifar100 = false)
    {
        ArgumentNullException.ThrowIfNull(folder);
        string sub = Path.Combine(folder, cifar100 ? "cifar-100-binary" : "cifar-10-batches-bin");
        if (Directory.Exists(sub)) folder = sub;
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"Cifar: folder '{folder}' does not exist.");

        string[] files = cifar100
            ? [train ? "train.bin" : "test.bin"]
            : train ? ["data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin"] : ["test_batch.bin"];
        int labelBytes = cifar100 ? 2 : 1;
        int record = labelBytes + Pixels;
        int classes = cifar100 ? 100 : 10;

        long total = 0;
        var paths = new string[files.Length];
        for (int f = 0; f < files.Length; f++)
        {
            paths[f] = Path.Combine(folder, files[f]);
            if (!File.Exists(paths[f])) throw new FileNotFoundException($"Cifar: '{files[f]}' not found in '{folder}'.");
            long len = new FileInfo(paths[f]).Length;
            if (len == 0 || len % record != 0)
                throw new FoveaFormatException($"Cifar file '{paths[f]}': length {len} is not a positive multiple of the {record}-byte record.");
            total += len / record;
        }
        if (total * Pixels > Array.MaxLength) throw new FoveaFormatException($"Cifar: {total} images in '{folder}' are too many for one array.");

        var pixels = new byte[total * Pixels];
        var labels = new int[total];
        int n = 0;
        var rec = new byte[record];
        foreach (string p in paths)
        {
            using var s = new BufferedStream(File.OpenRead(p), 1 << 16);
            while (s.ReadAtLeast(rec, record, throwOnEndOfStream: false) == record)
            {
                int y = rec[labelBytes - 1];
                if (y >= classes) throw new FoveaFormatException($"Cifar file '{p}': label {y} of record {n} is out of range for {classes} classes.");
                labels[n] = y;
                rec.AsSpan(labelBytes, Pixels).CopyTo(pixels.AsSpan(n * Pixels, Pixels));
                n++;
            }
        }
        if (n != total) throw new FoveaFormatException($"Cifar: read {n} records from '{folder}', expected {total} (files changed while reading?).");

        string names = Path.Combine(folder, cifar100 ? "fine_label_names.txt" : "batches.meta.txt");
        string[] classNames = File.Exists(names)
            ? File.ReadAllLines(names).Select(l => l.Trim()).Where(l => l.Length > 0).ToArray()
            : cifar100 ? Enumerable.Range(0, 100).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray() : [.. Cifar10ClassNames];
        if (classNames.Length != classes)
            throw new FoveaFormatException($"Cifar: '{names}' lists {classNames.Length} class names, expected {classes}.");
        return new ByteImageDataset(pixels, [3, 32, 32], labels, classNames);
    }
}
