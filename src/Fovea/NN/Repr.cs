using System.Globalization;

namespace Fovea.NN;

/// <summary>Formats constructor arguments the way PyTorch's repr does ("(3, 3)", "True", "1e-05", "0.1").</summary>
internal static class Repr
{
    public static string Bool(bool b) => b ? "True" : "False";
    public static string Tuple(int[] v) => v.Length == 1 ? $"({v[0]},)" : "(" + string.Join(", ", v) + ")";
    public static string Float(float f)
    {
        string s = f.ToString("R", CultureInfo.InvariantCulture).Replace("E", "e");
        return s.Contains('e') || s.Contains('.') || s.Contains("Infinity") || s == "NaN" ? s : s + ".0";
    }
}
