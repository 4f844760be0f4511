using System.Runtime.CompilerServices;
using System.Text;

namespace Fovea.Tests.Reference;

/// <summary>
/// Reads Golden/poolnorm.bin, PyTorch's values for the pooling, resampling and normalisation ops written by
/// tools/golden/poolnorm_golden.py (the format is described there): a list of cases, each an op name, its
/// parameters and named tensors (inputs, output y, upstream gradient g, input gradients gx/gw/gb).
/// </summary>
public static class PoolNormGolden
{
    public sealed record Case(string Op, Dictionary<string, string> Params, Dictionary<string, Tensor> Tensors)
    {
        public Tensor this[string name] => Tensors[name];
        public bool Has(string name) => Tensors.ContainsKey(name);
        public Tensor? Get(string name) => Tensors.TryGetValue(name, out var t) ? t : null;
        public string P(string key) => Params[key];
        public bool Bool(string key) => Params[key] == "1";
        public float Float(string key) => float.Parse(Params[key], System.Globalization.CultureInfo.InvariantCulture);
        public int Int(string key) => int.Parse(Params[key], System.Globalization.CultureInfo.InvariantCulture);
        public int? IntOrNull(string key) => Params[key] == "none" ? null : Int(key);
        public int[]? Ints(string key) => Params[key] == "none" ? null : Params[key].Split(',').Select(int.Parse).ToArray();
        public float[]? Floats(string key) => Params[key] == "none" ? null
            : Params[key].Split(',').Select(s => float.Parse(s, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        public override string ToString() => $"{Op}({string.Join(";", Params.Select(kv => kv.Key + "=" + kv.Value))}) x{(Has("x") ? this["x"].Shape : "")}";
    }

    static readonly Lazy<(string header, List<Case> cases)> Data = new(Load);

    /// <summary>The header line naming the generating script.</summary>
    public static string Header => Data.Value.header;

    /// <summary>All cases of one op.</summary>
    public static IReadOnlyList<Case> Cases(string op) => Data.Value.cases.Where(c => c.Op == op).ToList();

    static (string, List<Case>) Load()
    {
        using var r = new BinaryReader(File.OpenRead(Locate()));
        if (Encoding.ASCII.GetString(r.ReadBytes(8)) != "FVGOLD01") throw new InvalidDataException("poolnorm.bin: bad magic");
        string header = Encoding.UTF8.GetString(r.ReadBytes(r.ReadInt32()));
        int n = r.ReadInt32();
        var cases = new List<Case>(n);
        for (int i = 0; i < n; i++)
        {
            string op = Str(r), ps = Str(r);
            var prm = ps.Split(';', StringSplitOptions.RemoveEmptyEntries).Select(kv => kv.Split('=', 2)).ToDictionary(a => a[0], a => a[1]);
            int nt = r.ReadInt32();
            var ts = new Dictionary<string, Tensor>();
            for (int t = 0; t < nt; t++)
            {
                string name = Str(r);
                int rank = r.ReadByte();
                var dims = new int[rank];
                for (int k = 0; k < rank; k++) dims[k] = r.ReadInt32();
                int numel = dims.Aggregate(1, (a, b) => a * b);
                var data = new float[numel];
                for (int k = 0; k < numel; k++) data[k] = r.ReadSingle();
                ts[name] = rank == 0 ? Tensor.Scalar(data[0]) : Tensor.FromArray(data, dims);
            }
            cases.Add(new Case(op, prm, ts));
        }
        return (header, cases);
    }

    static string Str(BinaryReader r) => Encoding.UTF8.GetString(r.ReadBytes(r.ReadUInt16()));

    static string Locate([CallerFilePath] string here = "")
    {
        const string rel = "Golden/poolnorm.bin";
        var candidates = new List<string>();
        if (!string.IsNullOrEmpty(here)) candidates.Add(Path.Combine(Path.GetDirectoryName(here)!, "..", rel));
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d != null; d = d.Parent)
        {
            candidates.Add(Path.Combine(d.FullName, rel));
            candidates.Add(Path.Combine(d.FullName, "tests", "Fovea.Tests", rel));
        }
        foreach (var c in candidates) if (File.Exists(c)) return c;
        throw new FileNotFoundException("poolnorm.bin not found; looked in " + string.Join(", ", candidates.Take(4)));
    }
}
