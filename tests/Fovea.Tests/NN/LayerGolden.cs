using System.Text;

namespace Fovea.Tests.NN;

/// <summary>
/// Reads tests/Fovea.Tests/Golden/layers.bin, written by tools/golden/layers_golden.py (the layout is described
/// there): per case the PyTorch constructor, the training flag and named tensors in file order.
/// </summary>
public sealed record LayerGolden(string Name, string Constructor, bool Training, List<(string Key, Tensor Value)> Entries)
{
    public Tensor this[string key] => Entries.First(e => e.Key == key).Value;
    public bool Has(string key) => Entries.Exists(e => e.Key == key);

    /// <summary>The entries under "prefix/", prefix removed, in file order.</summary>
    public List<(string Key, Tensor Value)> Under(string prefix) =>
        Entries.Where(e => e.Key.StartsWith(prefix + "/", StringComparison.Ordinal)).Select(e => (e.Key[(prefix.Length + 1)..], e.Value)).ToList();

    static List<LayerGolden>? s_cache;

    public static List<LayerGolden> Load()
    {
        if (s_cache is not null) return s_cache;
        using var r = new BinaryReader(File.OpenRead(Find("layers.bin")));
        var header = new StringBuilder();
        for (char c; (c = (char)r.ReadByte()) != '\n';) header.Append(c);
        if (!header.ToString().StartsWith("FOVEA-GOLDEN layers 1 ", StringComparison.Ordinal))
            throw new InvalidDataException($"layers.bin: unexpected header \"{header}\".");
        int count = r.ReadInt32();
        var list = new List<LayerGolden>(count);
        for (int i = 0; i < count; i++)
        {
            string name = Str(r), ctor = Str(r);
            bool training = r.ReadInt32() != 0;
            int n = r.ReadInt32();
            var entries = new List<(string, Tensor)>(n);
            for (int j = 0; j < n; j++)
            {
                string key = Str(r);
                var dims = new int[r.ReadInt32()];
                for (int k = 0; k < dims.Length; k++) dims[k] = r.ReadInt32();
                var data = new float[new Shape(dims).Numel];
                for (int k = 0; k < data.Length; k++) data[k] = r.ReadSingle();
                entries.Add((key, dims.Length == 0 ? Tensor.Scalar(data[0]) : Tensor.FromArray(data, dims)));
            }
            list.Add(new LayerGolden(name, ctor, training, entries));
        }
        return s_cache = list;
    }

    static string Str(BinaryReader r) => Encoding.UTF8.GetString(r.ReadBytes(r.ReadInt32()));

    static string Find(string file)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var p = Path.Combine(dir.FullName, "Golden", file);
            if (File.Exists(p)) return p;
            p = Path.Combine(dir.FullName, "tests", "Fovea.Tests", "Golden", file);
            if (File.Exists(p)) return p;
        }
        throw new FileNotFoundException($"Golden file {file} not found above {AppContext.BaseDirectory}.");
    }
}
