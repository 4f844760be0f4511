using Fovea.Onnx.Proto;
using Google.Protobuf;
using static Fovea.Onnx.Tests.ModelFactory;

namespace Fovea.Onnx.Tests;

/// <summary>Hostile and broken files are refused at load time with a clear message and no huge allocation.</summary>
public sealed class LoaderTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("fovea-onnx-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    static ModelProto OneInitializer(TensorProto t)
    {
        var g = new GraphProto();
        g.Input.Add(Value("x", 2, 3));
        g.Output.Add(Value("y", 2, 3));
        g.Initializer.Add(t);
        g.Node.Add(Node("Add", ["x", t.Name], ["y"], "add"));
        return Model(g);
    }

    [Fact]
    public void ValidModelLoadsAndRuns()
    {
        var m = OnnxModel.Load(Bytes(SmallCnn()));
        Assert.Equal(13, m.Opset);
        var y = m.Forward(Tensor.Ones(2, 3, 6, 6));
        Assert.Equal(new Shape(2, 5), y.Shape);
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(0.9)]
    [InlineData(0.1)]
    public void TruncatedFileIsAFormatError(double keep)
    {
        var b = Bytes(SmallCnn());
        var cut = b[..(int)(b.Length * keep)];
        var e = Record.Exception(() => OnnxModel.Load(cut, "cut.onnx"));
        Assert.True(e is FoveaFormatException, $"expected FoveaFormatException, got {e?.GetType().Name}: {e?.Message}");
        Assert.Contains("cut.onnx", e!.Message);
    }

    [Fact]
    public void GarbageIsAFormatError()
    {
        var junk = new byte[1000];
        new Random(1).NextBytes(junk);
        Assert.ThrowsAny<Exception>(() => OnnxModel.Load(junk, "junk.onnx"));
        Assert.Throws<FoveaFormatException>(() => OnnxModel.Load(junk, "junk.onnx"));
    }

    [Fact]
    public void DeclaredSizeDisagreeingWithDataIsAFormatError()
    {
        var e = Assert.Throws<FoveaFormatException>(() => OnnxModel.Load(Bytes(OneInitializer(Floats("w", [1, 2, 3, 4, 5], 2, 3)))));
        Assert.Contains("'w'", e.Message);
        Assert.Contains("6", e.Message);
        var raw = Assert.Throws<FoveaFormatException>(() => OnnxModel.Load(Bytes(OneInitializer(Raw("w", new byte[20], 2, 3)))));
        Assert.Contains("holds 5", raw.Message);
    }

    [Fact]
    public void AbsurdDimsAreRefusedBeforeAllocating()
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<FoveaFormatException>(() => OnnxModel.Load(Bytes(OneInitializer(Raw("w", new byte[16], 1L << 20, 1L << 20)))));
        Assert.Contains("1099511627776", e.Message);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 50_000_000, "no huge allocation");
        var over = Assert.Throws<FoveaFormatException>(() => OnnxModel.Load(Bytes(OneInitializer(Raw("w", new byte[4], 1L << 40, 1L << 40, 1L << 40)))));
        Assert.Contains("'w'", over.Message);
        Assert.Throws<FoveaFormatException>(() => OnnxModel.Load(Bytes(OneInitializer(Raw("w", new byte[4], -1)))));
    }

    static TensorProto External(string location, long length = 24)
    {
        var t = new TensorProto { Name = "w", DataType = 1, Dims = { 2, 3 }, DataLocation = TensorProto.Types.DataLocation.External };
        t.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = location });
        t.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = length.ToString() });
        return t;
    }

    string Save(ModelProto m, string sub = "model")
    {
        string d = Path.Combine(_dir, sub);
        Directory.CreateDirectory(d);
        string p = Path.Combine(d, "model.onnx");
        File.WriteAllBytes(p, m.ToByteArray());
        return p;
    }

    static byte[] SixFloats() => [.. Enumerable.Range(1, 6).SelectMany(i => BitConverter.GetBytes((float)i))];

    [Fact]
    public void ExternalDataInsideTheFolderLoads()
    {
        string p = Save(OneInitializer(External("weights/w.bin")));
        Directory.CreateDirectory(Path.Combine(_dir, "model", "weights"));
        File.WriteAllBytes(Path.Combine(_dir, "model", "weights", "w.bin"), SixFloats());
        var m = OnnxModel.Load(p);
        var y = m.Forward(Tensor.Zeros(2, 3));
        Assert.Equal([1f, 2, 3, 4, 5, 6], y.ToArray());
    }

    [Theory]
    [InlineData("../secret.bin")]
    [InlineData("weights/../../secret.bin")]
    [InlineData("/etc/passwd")]
    public void ExternalDataOutsideTheFolderIsRefused(string location)
    {
        File.WriteAllBytes(Path.Combine(_dir, "secret.bin"), SixFloats());
        string p = Save(OneInitializer(External(location)));
        var e = Assert.Throws<FoveaFormatException>(() => OnnxModel.Load(p));
        Assert.Contains(location, e.Message);
    }

    [Fact]
    public void ExternalDataThroughASymlinkLeavingTheFolderIsRefused()
    {
        File.WriteAllBytes(Path.Combine(_dir, "secret.bin"), SixFloats());
        string p = Save(OneInitializer(External("link.bin")));
        File.CreateSymbolicLink(Path.Combine(_dir, "model", "link.bin"), Path.Combine(_dir, "secret.bin"));
        var e = Assert.Throws<FoveaFormatException>(() => OnnxModel.Load(p));
        Assert.Contains("symbolic link", e.Message);
        string p2 = Save(OneInitializer(External("dirlink/secret.bin")), "model2");
        Directory.CreateSymbolicLink(Path.Combine(_dir, "model2", "dirlink"), _dir);
        Assert.Throws<FoveaFormatException>(() => OnnxModel.Load(p2));
    }

    [Fact]
    public void ExternalDataTooShortOrFromBytesIsRefused()
    {
        string p = Save(OneInitializer(External("w.bin")));
        File.WriteAllBytes(Path.Combine(_dir, "model", "w.bin"), new byte[8]);
        Assert.Contains("too few", Assert.Throws<FoveaFormatException>(() => OnnxModel.Load(p)).Message);
        Assert.Throws<FoveaFormatException>(() => OnnxModel.Load(File.ReadAllBytes(p)));
    }

    [Fact]
    public void CycleIsNamed()
    {
        var g = new GraphProto();
        g.Input.Add(Value("x", 2));
        g.Output.Add(Value("y", 2));
        g.Node.Add(Node("Add", ["x", "b"], ["a"], "first"));
        g.Node.Add(Node("Relu", ["a"], ["b"], "second"));
        g.Node.Add(Node("Relu", ["a"], ["y"], "out"));
        var e = Assert.Throws<FoveaFormatException>(() => OnnxModel.Load(Bytes(Model(g))));
        Assert.Contains("cycle", e.Message);
        Assert.Contains("'first'", e.Message);
        Assert.Contains("'second'", e.Message);
    }

    [Fact]
    public void MissingInputIsNamed()
    {
        var g = new GraphProto();
        g.Input.Add(Value("x", 2));
        g.Output.Add(Value("y", 2));
        g.Node.Add(Node("Add", ["x", "nowhere"], ["y"], "adder"));
        var e = Assert.Throws<FoveaFormatException>(() => OnnxModel.Load(Bytes(Model(g))));
        Assert.Contains("'adder'", e.Message);
        Assert.Contains("'nowhere'", e.Message);
    }

    [Fact]
    public void NodesOutOfOrderAreSorted()
    {
        var g = new GraphProto();
        g.Input.Add(Value("x", 2));
        g.Output.Add(Value("y", 2));
        g.Node.Add(Node("Neg", ["a"], ["y"], "second"));
        g.Node.Add(Node("Relu", ["x"], ["a"], "first"));
        var y = OnnxModel.Load(Bytes(Model(g))).Forward(Tensor.FromArray([-1f, 2f], 2));
        Assert.Equal([0f, -2f], y.ToArray());
    }

    [Fact]
    public void UnsupportedOperatorIsReportedAtLoadByNameAndNode()
    {
        var g = new GraphProto();
        g.Input.Add(Value("x", 2));
        g.Output.Add(Value("y", 2));
        g.Node.Add(Node("Relu", ["x"], ["a"], "ok"));
        g.Node.Add(Node("FrobnicateV2", ["a"], ["y"], "frob1"));
        var e = Assert.Throws<OnnxUnsupportedException>(() => OnnxModel.Load(Bytes(Model(g))));
        Assert.Contains("FrobnicateV2", e.Message);
        Assert.Contains("frob1", e.Message);
    }

    [Fact]
    public void OperatorTooNewForTheModelsOpsetIsUnsupported()
    {
        var g = new GraphProto();
        g.Input.Add(Value("x", 2));
        g.Output.Add(Value("y", 2));
        g.Node.Add(Node("HardSwish", ["x"], ["y"], "hs"));   // HardSwish arrived in opset 14
        Assert.Throws<OnnxUnsupportedException>(() => OnnxModel.Load(Bytes(Model(g, opset: 13))));
        Assert.NotNull(OnnxModel.Load(Bytes(Model(g, opset: 14))));
    }

    [Theory]
    [InlineData(6)]
    [InlineData(19)]
    public void OpsetOutsideTheSupportedRangeIsUnsupported(int opset)
    {
        var e = Assert.Throws<OnnxUnsupportedException>(() => OnnxModel.Load(Bytes(SmallCnn(opset))));
        Assert.Contains($"opset {opset}", e.Message);
    }

    [Fact]
    public void AttributeOfTheWrongTypeNamesNodeAndAttribute()
    {
        var g = new GraphProto();
        g.Input.Add(Value("x", 1, 1, 4, 4));
        g.Output.Add(Value("y", 1, 1, 2, 2));
        g.Node.Add(Node("MaxPool", ["x"], ["y"], "pool7", Ints("kernel_shape", 2, 2), Float("strides", 2f)));
        var m = OnnxModel.Load(Bytes(Model(g)));
        var e = Assert.Throws<FoveaFormatException>(() => m.Forward(Tensor.Ones(1, 1, 4, 4)));
        Assert.Contains("'pool7'", e.Message);
        Assert.Contains("'strides'", e.Message);
        Assert.Contains("INTS", e.Message);
    }

    [Theory]
    [InlineData("Expand")]
    [InlineData("ConstantOfShape")]
    [InlineData("Tile")]
    public void HugeShapesComputedAtRunTimeAreRefusedBeforeAllocating(string op)
    {
        var g = new GraphProto();
        g.Input.Add(Value("x", 1, 1));
        g.Output.Add(Value("y", 1, 1));
        var big = new TensorProto { Name = "s", DataType = 7, Dims = { 2 } };
        big.Int64Data.Add([1L << 20, 1L << 20]);
        g.Initializer.Add(big);
        g.Node.Add(op == "ConstantOfShape" ? Node(op, ["s"], ["y"], "huge") : Node(op, ["x", "s"], ["y"], "huge"));
        var m = OnnxModel.Load(Bytes(Model(g)));
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<ShapeMismatchException>(() => m.Forward(Tensor.Ones(1, 1)));
        Assert.Contains("'huge'", e.Message);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 50_000_000, "no huge allocation");
    }
}
