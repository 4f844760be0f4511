using System.Globalization;
using System.IO.Compression;

namespace Fovea.Data;

/// <summary>
/// The UCI optical-recognition digits (1,797 grey 8x8 images, 10 classes, pixel values 0..16), as shipped by
/// scikit-learn (Debian <c>python3-sklearn</c>): a CSV, optionally gzipped, of 64 pixel values and the label per line.
/// Pixels are scaled to [0, 1].
/// </summary>
public static class UciDigits
{
    /// <summary>Where Debian's python3-sklearn installs the file.</summary>
    public const string DefaultPath = "/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz";

    public static IReadOnlyList<string> ClassNames { get; } = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

    /// <summary>Loads all 1,797 images as [1, 8, 8] samples; every line is checked (65 integers, pixels 0..16, label 0..9).</summary>
    public static TensorDataset Load(string? path = null)
    {
        path ??= DefaultPath;
        if (!File.Exists(path)) throw new FileNotFoundException($"UCI digits file '{path}' does not exist (install python3-sklearn or pass the CSV path).");
        using var file = File.OpenRead(path);
        using Stream s = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionMode.Decompress) : file;
        using var reader = new StreamReader(s);
        var pixels = new List<float>();
        var labels = new List<int>();
        string? line;
        int lineNo = 0;
        try
        {
            while ((line = reader.ReadLine()) != null)
            {
                lineNo++;
                if (line.Length == 0) continue;
                var parts = line.Split(',');
                if (parts.Length != 65) throw new FoveaFormatException($"{path}, line {lineNo}: expected 65 comma-separated values (64 pixels and a label), got {parts.Length}.");
                for (int i = 0; i < 64; i++)
                {
                    if (!int.TryParse(parts[i], NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) || v is < 0 or > 16)
                        throw new FoveaFormatException($"{path}, line {lineNo}: pixel {i} is '{parts[i]}', expected an integer 0..16.");
                    pixels.Add(v / 16f);
                }
                if (!int.TryParse(parts[64], NumberStyles.Integer, CultureInfo.InvariantCulture, out int label) || label is < 0 or > 9)
                    throw new FoveaFormatException($"{path}, line {lineNo}: label is '{parts[64]}', expected 0..9.");
                labels.Add(label);
                if (labels.Count > 1_000_000) throw new FoveaFormatException($"{path}: more than a million lines; not the UCI digits file.");
            }
        }
        catch (InvalidDataException e) { throw new FoveaFormatException($"{path}: not a valid gzip file ({e.Message}).", e); }
        if (labels.Count == 0) throw new FoveaFormatException($"{path}: no images.");
        return new TensorDataset([.. pixels], [1, 8, 8], [.. labels], [.. ClassNames]);
    }

    /// <summary>
    /// A few labelled images per class for training, the rest for testing (seeded, so both halves are reproducible):
    /// the setting of a transfer-learning experiment.
    /// </summary>
    public static (Dataset Train, Dataset Test) FewShotSplit(Dataset all, int perClass, long seed)
    {
        if (perClass <= 0) throw new ArgumentException($"FewShotSplit: perClass must be positive, got {perClass}.");
        var g = new Generator(seed);
        var order = new int[all.Count];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        g.Shuffle<int>(order);
        var taken = new int[all.NumClasses];
        var train = new List<int>();
        var test = new List<int>();
        foreach (int i in order)
        {
            int c = all.GetLabel(i);
            if (taken[c] < perClass) { taken[c]++; train.Add(i); }
            else test.Add(i);
        }
        for (int c = 0; c < taken.Length; c++)
            if (taken[c] < perClass) throw new ArgumentException($"FewShotSplit: class {c} has only {taken[c]} images, fewer than {perClass}.");
        train.Sort();
        test.Sort();
        return (all.Select([.. train]), all.Select([.. test]));
    }
}
