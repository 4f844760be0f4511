using System.Text;

namespace Fovea.Tests.Optim;

/// <summary>
/// Reads tests/Fovea.Tests/Golden/optim.bin, the PyTorch reference values written by tools/golden/optim_golden.py
/// (format described there): named float32 tensors.
/// </summary>
public static class OptimGolden
{
    static readonly Lazy<Dictionary<string, Tensor>> s_records = new(Load);

    public static IReadOnlyDictionary<string, Tensor> All => s_records.Value;

    public static Tensor Get(string name) => s_records.Value.TryGetValue(name, out var t) ? t
        : throw new KeyNotFoundException($"optim.bin has no record '{name}'.");

    public static Tensor? Find(string name) => s_records.Value.GetValueOrDefault(name);

    /// <summary>The distinct values of the path segment after <paramref name="prefix"/> ("loss/ce/" → "0", "1", ...).</summary>
    public static IEnumerable<string> Children(string prefix) => s_records.Value.Keys
        .Where(k => k.StartsWith(prefix, StringComparison.Ordinal))
        .Select(k => k[prefix.Length..].Split('/')[0]).Distinct();

    static Dictionary<string, Tensor> Load()
    {
        using var r = new BinaryReader(File.OpenRead(FindFile()));
        if (Encoding.ASCII.GetString(r.ReadBytes(8)) != "FOVGOLD1") throw new InvalidDataException("optim.bin: bad magic.");
        string header = Encoding.UTF8.GetString(r.ReadBytes(r.ReadInt32()));
        if (!header.Contains("optim_golden.py")) throw new InvalidDataException($"optim.bin: unexpected header '{header}'.");
        int count = r.ReadInt32();
        var d = new Dictionary<string, Tensor>(count);
        for (int i = 0; i < count; i++)
        {
            string name = Encoding.UTF8.GetString(r.ReadBytes(r.ReadUInt16()));
            var dims = new int[r.ReadByte()];
            int n = 1;
            for (int k = 0; k < dims.Length; k++) n *= dims[k] = r.ReadInt32();
            var data = new float[n];
            for (int k = 0; k < n; k++) data[k] = r.ReadSingle();
            d[name] = dims.Length == 0 ? Tensor.Scalar(data[0]) : Tensor.FromArray(data, dims);
        }
        return d;
    }

    static string FindFile()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            var p = Path.Combine(dir.FullName, "tests", "Fovea.Tests", "Golden", "optim.bin");
            if (File.Exists(p)) return p;
        }
        throw new FileNotFoundException("tests/Fovea.Tests/Golden/optim.bin not found above " + AppContext.BaseDirectory);
    }
}
