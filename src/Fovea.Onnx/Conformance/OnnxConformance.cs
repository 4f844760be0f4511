namespace Fovea.Onnx;

/// <summary>
/// Runs ONNX backend test folders (model.onnx plus test_data_set_*/input_N.pb and output_N.pb, as in the ONNX
/// repository's onnx/backend/test/data/node) and compares Fovea's outputs with the expected ones using the ONNX
/// backend tests' tolerance: |actual − expected| ≤ atol + rtol·|expected| with rtol 1e-3, atol 1e-7.
/// </summary>
public static class OnnxConformance
{
    public const string Passed = "passed", Failed = "failed", Unsupported = "unsupported", Excluded = "excluded";

    /// <summary>Relative tolerance.</summary>
    public const double Rtol = 1e-3;

    /// <summary>Absolute tolerance.</summary>
    public const double Atol = 1e-7;

    /// <summary>
    /// Runs one test folder, or every test folder under <paramref name="dir"/> (sorted by name). Tests named in
    /// <paramref name="exclusions"/> (name to reason) are reported as excluded without running.
    /// </summary>
    public static OnnxConformanceReport Run(string dir, IReadOnlyDictionary<string, string>? exclusions = null)
    {
        if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"OnnxConformance: '{dir}' is not a folder.");
        var folders = File.Exists(Path.Combine(dir, "model.onnx")) ? [dir]
            : Directory.GetDirectories(dir).Where(d => File.Exists(Path.Combine(d, "model.onnx"))).OrderBy(d => d, StringComparer.Ordinal).ToArray();
        var results = new List<OnnxTestResult>(folders.Length);
        foreach (var f in folders)
        {
            string name = Path.GetFileName(Path.TrimEndingDirectorySeparator(f));
            if (exclusions is not null && exclusions.TryGetValue(name, out var why)) { results.Add(new(name, Excluded, null, why)); continue; }
            results.Add(RunOne(f, name));
        }
        return new OnnxConformanceReport(results);
    }

    /// <summary>Reads an exclusions file: one test per line, "name reason..." ('#' starts a comment).</summary>
    public static Dictionary<string, string> ReadExclusions(string path)
    {
        var d = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var raw in File.ReadAllLines(path))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            int sp = line.IndexOfAny([' ', '\t']);
            string name = sp < 0 ? line : line[..sp];
            string reason = sp < 0 ? "" : line[sp..].Trim();
            if (reason.Length == 0) throw new FoveaFormatException($"{path}: exclusion '{name}' has no reason.");
            d[name] = reason;
        }
        return d;
    }

    static OnnxTestResult RunOne(string folder, string name)
    {
        OnnxModule model;
        try { model = OnnxModel.Load(Path.Combine(folder, "model.onnx")); }
        catch (OnnxUnsupportedException e) { return new(name, Unsupported, null, e.Message); }
        catch (Exception e) { return new(name, Failed, null, "load: " + e.Message); }
        double maxErr = 0;
        int sets = 0;
        foreach (var set in Directory.GetDirectories(folder, "test_data_set_*").OrderBy(s => s, StringComparer.Ordinal))
        {
            sets++;
            try
            {
                var inputs = new Dictionary<string, Tensor>(StringComparer.Ordinal);
                for (int i = 0; i < model.Inputs.Count; i++)
                {
                    string p = Path.Combine(set, $"input_{i}.pb");
                    if (!File.Exists(p)) break;   // trailing optional inputs
                    inputs[model.Inputs[i].Name] = OnnxModel.ReadTensor(p);
                }
                IReadOnlyDictionary<string, Tensor> outs;
                using (Autograd.NoGrad()) outs = model.Run(inputs);
                for (int i = 0; i < model.Outputs.Count; i++)
                {
                    string p = Path.Combine(set, $"output_{i}.pb");
                    if (!File.Exists(p)) continue;
                    var expected = OnnxModel.ReadTensor(p);
                    var actual = outs[model.Outputs[i].Name];
                    if (expected.Shape != actual.Shape)
                        return new(name, Failed, null, $"output {i} '{model.Outputs[i].Name}': shape {actual.Shape}, expected {expected.Shape}");
                    var (err, ok, at) = Compare(expected, actual);
                    maxErr = Math.Max(maxErr, err);
                    if (!ok) return new(name, Failed, maxErr, $"output {i} '{model.Outputs[i].Name}': mismatch at flat index {at}");
                }
            }
            catch (OnnxUnsupportedException e) { return new(name, Unsupported, null, e.Message); }
            catch (Exception e) { return new(name, Failed, null, $"{Path.GetFileName(set)}: {e.GetType().Name}: {e.Message}"); }
        }
        if (sets == 0) return new(name, Failed, null, "no test_data_set_* folders");
        return new(name, Passed, maxErr, null);
    }

    /// <summary>The largest absolute error, whether every element is within tolerance, and the first bad index.</summary>
    public static (double MaxAbsErr, bool Ok, int FirstBad) Compare(Tensor expected, Tensor actual, double rtol = Rtol, double atol = Atol)
    {
        var e = expected.Contiguous().ToArray();
        var a = actual.Contiguous().ToArray();
        double max = 0;
        int bad = -1;
        for (int i = 0; i < e.Length; i++)
        {
            double ev = e[i], av = a[i];
            if (double.IsNaN(ev) && double.IsNaN(av)) continue;
            if (double.IsInfinity(ev) && ev == av) continue;
            double d = Math.Abs(av - ev);
            if (double.IsNaN(d)) d = double.PositiveInfinity;
            max = Math.Max(max, d);
            if (!(d <= atol + rtol * Math.Abs(ev)) && bad < 0) bad = i;
        }
        return (max, bad < 0, bad);
    }
}
