using System.IO.Compression;
using System.Text;
using Fovea.Data;
using Fovea.Tests.Reference;

namespace Fovea.Tests.Data;

public sealed class NpzDatasetTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("fovea-npz-").FullName;
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // An .npy v1 file as NumPy writes it: magic, version, header length, padded dict, data.
    static byte[] Npy(string descr, string shape, byte[] data)
    {
        string dict = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}";
        int pad = 64 - (10 + dict.Length + 1) % 64;
        string header = dict + new string(' ', pad % 64) + "\n";
        var b = new List<byte> { 0x93 };
        b.AddRange("NUMPY"u8.ToArray());
        b.Add(1); b.Add(0);
        b.Add((byte)(header.Length & 0xFF)); b.Add((byte)(header.Length >> 8));
        b.AddRange(Encoding.ASCII.GetBytes(header));
        b.AddRange(data);
        return [.. b];
    }

    string Npz(string name, params (string Name, byte[] Npy)[] arrays)
    {
        string path = Path.Combine(_dir, name);
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        foreach (var (n, npy) in arrays)
        {
            using var s = zip.CreateEntry(n + ".npy").Open();
            s.Write(npy);
        }
        return path;
    }

    static byte[] Int64s(params long[] v) => v.SelectMany(BitConverter.GetBytes).ToArray();

    [Fact]
    public void BytesImagesWithInt64Labels()
    {
        var x = Npy("|u1", "(2, 2, 3)", [0, 51, 102, 153, 204, 255, 255, 0, 0, 0, 0, 51]);
        var path = Npz("a.npz", ("x", x), ("y", Npy("<i8", "(2,)", Int64s(4, 1))));
        var ds = new NpzDataset(path);
        Assert.Equal(2, ds.Count);
        Assert.Equal(new[] { 1, 2, 3 }, (int[])ds.SampleShape);
        TensorAssert.Close([0f, 0.2f, 0.4f, 0.6f, 0.8f, 1f], ds.Get(0).Input, 1e-6f, 0);
        Assert.Equal(new[] { 4, 1 }, ds.Labels());
        TensorAssert.Close([0f, 51, 102, 153, 204, 255], new NpzDataset(path, scale: 1).Get(0).Input);
    }

    [Fact]
    public void NamedFloatArraysChannelsLast()
    {
        // One 1x2 image with 3 channels, channels last: pixel 0 = (.1,.2,.3), pixel 1 = (.4,.5,.6); not bytes, so not scaled.
        var x = Npy("<f4", "(1, 1, 2, 3)", new float[] { .1f, .2f, .3f, .4f, .5f, .6f }.SelectMany(BitConverter.GetBytes).ToArray());
        var path = Npz("b.npz", ("images", x), ("labels", Npy("<i4", "(1, 1)", BitConverter.GetBytes(2))));
        var ds = new NpzDataset(path, "images", "labels", channelsLast: true);
        Assert.Equal(new[] { 3, 1, 2 }, (int[])ds.SampleShape);
        TensorAssert.Close([.1f, .4f, .2f, .5f, .3f, .6f], ds.Get(0).Input);
        Assert.Equal(2, ds.GetLabel(0));
    }

    [Fact]
    public void HostileArchives()
    {
        var y = Npy("<i8", "(2,)", Int64s(0, 1));
        // Shape claims far more data than present.
        var e = Assert.Throws<FoveaFormatException>(() => new NpzDataset(Npz("h1.npz", ("x", Npy("<f4", "(100000, 1000)", new byte[8])), ("y", y))));
        Assert.Contains("h1.npz", e.Message);
        Assert.Throws<FoveaFormatException>(() => new NpzDataset(Npz("h2.npz", ("x", Npy("<f4", "(2,)", new byte[8]))))); // no y
        Assert.Throws<FoveaFormatException>(() => new NpzDataset(Npz("h3.npz", ("x", Npy("<f4", "(3,)", new byte[12])), ("y", y))));
        Assert.Throws<FoveaFormatException>(() => new NpzDataset(Npz("h4.npz", ("x", Npy("<c8", "(2,)", new byte[16])), ("y", y))));
        Assert.Throws<FoveaFormatException>(() => new NpzDataset(Npz("h7.npz", ("x", Npy("<f4", "(2,)", new byte[8])), ("y", Npy("<f4", "(2,)", new float[] { 0.5f, 1 }.SelectMany(BitConverter.GetBytes).ToArray())))));
        Assert.Throws<FoveaFormatException>(() => new NpzDataset(Npz("h5.npz", ("x", [1, 2, 3]), ("y", y))));
        File.WriteAllBytes(Path.Combine(_dir, "h6.npz"), [1, 2, 3, 4]);
        Assert.Throws<FoveaFormatException>(() => new NpzDataset(Path.Combine(_dir, "h6.npz")));
    }
}
