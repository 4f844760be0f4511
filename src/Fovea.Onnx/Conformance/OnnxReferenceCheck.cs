using Fovea.IO;

namespace Fovea.Onnx;

/// <summary>One model of a reference check: the largest absolute error and the largest error relative to max|expected|.</summary>
public sealed record OnnxReferenceResult(string Name, string Status, double MaxAbsErr, double MaxRelErr, string? Message);

/// <summary>
/// Compares Fovea with outputs another framework computed: every subfolder of a folder holding model.onnx,
/// input.npy and output.npy (as written by tools/onnx/export_torchvision.py) is loaded, run on the input and
/// compared with the output. The error is relative to the largest expected magnitude:
/// max|fovea − expected| / max|expected| ≤ <c>tolerance</c> (default 1e-4).
/// </summary>
public static class OnnxReferenceCheck
{
    public static IReadOnlyList<OnnxReferenceResult> Run(string dir, double tolerance = 1e-4)
    {
        if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"OnnxReferenceCheck: '{dir}' is not a folder.");
        var r = new List<OnnxReferenceResult>();
        foreach (var f in Directory.GetDirectories(dir).OrderBy(d => d, StringComparer.Ordinal))
        {
            string name = Path.GetFileName(f);
            string model = Path.Combine(f, "model.onnx"), input = Path.Combine(f, "input.npy"), output = Path.Combine(f, "output.npy");
            if (!File.Exists(model) || !File.Exists(input) || !File.Exists(output)) continue;
            try
            {
                var m = OnnxModel.Load(model);
                var x = Npy.Load(input);
                var expected = Npy.Load(output);
                Tensor y;
                using (Autograd.NoGrad()) y = m.Forward(x);
                if (y.Shape != expected.Shape) { r.Add(new(name, OnnxConformance.Failed, double.NaN, double.NaN, $"shape {y.Shape}, expected {expected.Shape}")); continue; }
                var e = expected.Contiguous().ToArray();
                var a = y.Contiguous().ToArray();
                double maxAbs = 0, scale = 0;
                for (int i = 0; i < e.Length; i++)
                {
                    maxAbs = Math.Max(maxAbs, Math.Abs((double)a[i] - e[i]));
                    scale = Math.Max(scale, Math.Abs((double)e[i]));
                }
                double rel = maxAbs / Math.Max(scale, 1e-30);
                r.Add(new(name, rel <= tolerance ? OnnxConformance.Passed : OnnxConformance.Failed, maxAbs, rel, null));
            }
            catch (OnnxUnsupportedException e) { r.Add(new(name, OnnxConformance.Unsupported, double.NaN, double.NaN, e.Message)); }
            catch (Exception e) { r.Add(new(name, OnnxConformance.Failed, double.NaN, double.NaN, $"{e.GetType().Name}: {e.Message}")); }
        }
        return r;
    }
}
