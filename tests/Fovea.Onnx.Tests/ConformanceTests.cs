namespace Fovea.Onnx.Tests;

/// <summary>A handful of ONNX backend node tests, committed under Data/node (see its NOTICE), must pass.</summary>
public class ConformanceTests
{
    static string DataDir => Path.Combine(AppContext.BaseDirectory, "Data", "node");

    public static TheoryData<string> Cases()
    {
        var d = new TheoryData<string>();
        foreach (var f in Directory.GetDirectories(Path.Combine(AppContext.BaseDirectory, "Data", "node")).OrderBy(x => x, StringComparer.Ordinal))
            d.Add(Path.GetFileName(f));
        return d;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void NodeTestPasses(string name)
    {
        var r = OnnxConformance.Run(Path.Combine(DataDir, name));
        var t = Assert.Single(r.Tests);
        Assert.True(t.Status == OnnxConformance.Passed, $"{name}: {t.Status} {t.Message}");
    }

    [Fact]
    public void FolderRunCountsEveryTestAndHonoursExclusions()
    {
        var ex = new Dictionary<string, string> { ["test_where_example"] = "excluded for the test" };
        var r = OnnxConformance.Run(DataDir, ex);
        Assert.Equal(Directory.GetDirectories(DataDir).Length, r.Tests.Count);
        Assert.Equal(1, r.Excluded);
        Assert.Equal(r.Tests.Count - 1, r.Passed);
    }

    [Fact]
    public void ExclusionsFileNeedsAReason()
    {
        string p = Path.GetTempFileName();
        try
        {
            File.WriteAllText(p, "# comment\ntest_a   because\ntest_b\n");
            Assert.Throws<FoveaFormatException>(() => OnnxConformance.ReadExclusions(p));
            File.WriteAllText(p, "test_a   because it cannot\n");
            Assert.Equal("because it cannot", OnnxConformance.ReadExclusions(p)["test_a"]);
        }
        finally { File.Delete(p); }
    }

    [Fact]
    public void ToleranceIsOnnxBackendTolerance()
    {
        var e = Tensor.FromArray([1f, 1000f], 2);
        Assert.True(OnnxConformance.Compare(e, Tensor.FromArray([1.0009f, 1000.9f], 2)).Ok);
        Assert.False(OnnxConformance.Compare(e, Tensor.FromArray([1.0011f, 1000f], 2)).Ok);
    }
}
