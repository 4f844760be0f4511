using System.Text.Json.Nodes;

namespace Fovea.Tests.IO;

/// <summary>The NumPy/PyTorch golden files written by tools/golden/npy_golden.py and NumPy's own reading of them.</summary>
internal static class Golden
{
    public static string Path(string name) => System.IO.Path.Combine(AppContext.BaseDirectory, "Golden", "npy", name);

    static readonly Lazy<JsonObject> Expected = new(() => JsonNode.Parse(File.ReadAllText(Path("expected.json")))!.AsObject());

    /// <summary>Shape and values (float64 in the JSON, converted to float32 as Fovea does) of one array.</summary>
    public static (int[] Shape, float[] Values) Array(string key)
    {
        var o = Expected.Value[key]?.AsObject() ?? throw new KeyNotFoundException($"expected.json has no '{key}'");
        int[] shape = o["shape"]!.AsArray().Select(n => n!.GetValue<int>()).ToArray();
        float[] values = o["values"]!.AsArray().Select(n => (float)n!.GetValue<double>()).ToArray();
        return (shape, values);
    }

    public static string[] Keys(string npz)
        => Expected.Value[npz + "/__keys__"]!["keys"]!.AsArray().Select(n => n!.GetValue<string>()).ToArray();

    /// <summary>Asserts a tensor matches a golden array exactly (shape and every float32 bit, NaN and -0 included).</summary>
    public static void AssertMatches(string key, Tensor t)
    {
        var (shape, values) = Array(key);
        Assert.True(shape.AsSpan().SequenceEqual(t.Shape.ToArray()), $"{key}: shape expected {Shape.Format(shape)}, got {t.Shape}");
        var actual = t.ToArray();
        Assert.Equal(values.Length, actual.Length);
        for (int i = 0; i < values.Length; i++)
            Assert.True(BitConverter.SingleToInt32Bits(values[i]) == BitConverter.SingleToInt32Bits(actual[i]),
                $"{key}: element {i} expected {values[i]:G9}, got {actual[i]:G9}");
    }
}
