using System.Buffers.Binary;
using System.IO.Compression;
using Fovea.IO;
using Fovea.Tests.Reference;

namespace Fovea.Tests.IO;

public class NpzTests
{
    [Theory]
    [InlineData("savez.npz")]
    [InlineData("savez_compressed.npz")]
    public void ReadsNumPySavezFilesInOrder(string name)
    {
        var d = Npz.Load(Golden.Path(name));
        Assert.Equal(new[] { "weights", "labels", "mask", "scalar" }, d.Keys.ToArray());
        foreach (var (k, t) in d) Golden.AssertMatches("savez.npz/" + k, t);
        Assert.Equal(new[] { 3, 4 }, (int[])d["weights"].Shape);
        TensorAssert.Close([2, 0, 1], d["labels"], 0, 0);
        Assert.Equal(-7.25f, d["scalar"].Item());
    }

    [Fact]
    public void ReadsATorchStateDictSavedWithNumPy()
    {
        // Sequential(Conv2d(1,2,3), BatchNorm2d(2), Linear(4,3)).state_dict() after one training-mode forward
        var d = Npz.Load(Golden.Path("torch_state.npz"));
        Assert.Equal(Golden.Keys("torch_state.npz"), d.Keys.ToArray());
        Assert.Equal(9, d.Count);
        foreach (var (k, t) in d) Golden.AssertMatches("torch_state.npz/" + k, t);
        Assert.Equal(new[] { 2, 1, 3, 3 }, (int[])d["0.weight"].Shape);
        Assert.Equal(new[] { 3, 4 }, (int[])d["2.weight"].Shape);
        var nbt = d["1.num_batches_tracked"];                       // int64 0-D tensor
        Assert.Equal(0, nbt.Rank);
        Assert.Equal(1f, nbt.Item());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void RoundTripsKeepingOrder(bool compressed)
    {
        var g = new Generator(11);
        var tensors = new List<KeyValuePair<string, Tensor>>
        {
            new("zeta", Tensor.Randn(g, 3, 4)),
            new("alpha", Tensor.Scalar(2.5f)),
            new("layer.0/weight", Tensor.Randn(g, 2, 1, 3, 3)),
            new("empty", Tensor.Zeros(0, 5)),
            new("big", Tensor.Zeros(100, 100)),
        };
        string dir = NpyTests.TempDir();
        try
        {
            string path = Path.Combine(dir, "m.npz");
            Npz.Save(path, tensors, compressed);
            var back = Npz.Load(path);
            Assert.Equal(tensors.Select(p => p.Key), back.Keys);
            foreach (var (k, t) in tensors) TensorAssert.Close(t, back[k], 0, 0);
            using var zip = ZipFile.OpenRead(path);
            Assert.Equal("zeta.npy", zip.Entries[0].FullName);
            Assert.True(compressed ? zip.Entries[4].CompressedLength < 1000 : zip.Entries[4].CompressedLength > 40000);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void SaveRejectsBadKeys()
    {
        var t = Tensor.Zeros(1);
        Assert.Contains("appears twice", Assert.Throws<ArgumentException>(() => Npz.Write(new MemoryStream(), [new("a", t), new("a", t)])).Message);
        Assert.Contains("is empty", Assert.Throws<ArgumentException>(() => Npz.Write(new MemoryStream(), [new("", t)])).Message);
        Assert.Contains("control character", Assert.Throws<ArgumentException>(() => Npz.Write(new MemoryStream(), [new("a\0b", t)])).Message);
        Assert.Throws<ArgumentException>(() => Npz.Write(new MemoryStream(), [new("x", null!)]));
    }

    // ---- hostile input

    [Fact]
    public void DeclaredSizesAboveTheCapAreRejectedBeforeDecompressing()
    {
        byte[] zip = Archive(("a", Npy(Tensor.Zeros(1000))), ("b", Npy(Tensor.Zeros(1000))));
        var ok = Npz.Read(new MemoryStream(zip), maxTotalBytes: 10000);
        Assert.Equal(2, ok.Count);
        var e = Assert.Throws<FoveaFormatException>(() => Npz.Read(new MemoryStream(zip), maxTotalBytes: 5000));
        Assert.Contains("more than 5000 uncompressed bytes", e.Message);
        Assert.Contains("'b.npy'", e.Message);

        // a lying central directory: entry 'a' declares 4 GB (above the default 2 GiB cap)
        PatchSizes(zip, "a.npy", 0xF0000000u);
        e = Assert.Throws<FoveaFormatException>(() => Npz.Read(new MemoryStream(zip)));
        Assert.Contains("uncompressed bytes", e.Message);
    }

    [Fact]
    public void ADeflateBombIsStoppedAtItsDeclaredSize()
    {
        // 'a.npy' declares 256 bytes but its deflate stream expands to 4 MB of valid float32 zeros
        byte[] big = Npy(Tensor.Zeros(1 << 20));
        byte[] zip = Archive(compressed: true, ("a", big));
        PatchSizes(zip, "a.npy", 256);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<FoveaFormatException>(() => Npz.Read(new MemoryStream(zip)));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 2 << 20, "allocated for the undeclared data");
        Assert.Contains("entry 'a.npy'", e.Message);
    }

    [Fact]
    public void ADeclaredSizeWithinTheCapIsNotAllocatedUntilTheDataArrives()
    {
        // 'a.npy' declares 400 MB (under the 2 GiB cap) and a 100M-element header, but its stream ends after 16 bytes of data
        byte[] npy = NpyTests.Craft("{'descr': '<f4', 'fortran_order': False, 'shape': (100000000,), }", data: new byte[16]);
        byte[] zip = Archive(compressed: true, ("a", npy));
        PatchSizes(zip, "a.npy", 400_000_000 + 128);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<FoveaFormatException>(() => Npz.Read(new MemoryStream(zip)));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 16 << 20, "allocated for declared but absent data");
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void BadEntryNamesAreFormatErrors()
    {
        byte[] one = Npy(Tensor.Zeros(2));
        Assert.Contains("'a' appears twice", Read(Archive(("a", one), ("a", one))).Message);
        Assert.Contains("is not a .npy array", Read(Archive(("readme.txt", one, false))).Message);
        Assert.Contains("key is empty", Read(Archive(("", one))).Message);
        Assert.Contains("control character", Read(Archive(("a\u0001b", one))).Message);
    }

    [Fact]
    public void CorruptArchivesAreFormatErrors()
    {
        Assert.Contains("not a valid ZIP archive", Read(new byte[100]).Message);
        Assert.Contains("not a valid ZIP archive", Read([]).Message);
        byte[] full = File.ReadAllBytes(Golden.Path("savez_compressed.npz"));
        for (int n = 0; n < full.Length; n++) Read(full[..n]);
        // a damaged entry inside a well-formed archive
        byte[] zip = Archive(("a", NpyTests.Craft("{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }", data: new byte[8])));
        Assert.Contains("unsupported dtype", Read(zip).Message);
        Assert.Contains("entry 'a.npy'", Read(zip).Message);
    }

    [Fact]
    public void ErrorsNameTheFile()
    {
        string dir = NpyTests.TempDir();
        try
        {
            string path = Path.Combine(dir, "weights.npz");
            File.WriteAllBytes(path, Archive(("w", NpyTests.Craft("{'descr': '<f4', 'fortran_order': False, 'shape': (9,), }"))));
            var e = Assert.Throws<FoveaFormatException>(() => Npz.Load(path));
            Assert.Contains("weights.npz", e.Message);
            Assert.Contains("'w.npy'", e.Message);
            Assert.Contains("truncated", e.Message);
        }
        finally { Directory.Delete(dir, true); }
    }

    // ---- helpers

    static FoveaFormatException Read(byte[] zip) => Assert.Throws<FoveaFormatException>(() => Npz.Read(new MemoryStream(zip)));

    static byte[] Npy(Tensor t)
    {
        var ms = new MemoryStream();
        Fovea.IO.Npy.Write(ms, t);
        return ms.ToArray();
    }

    static byte[] Archive(params (string Key, byte[] Data)[] entries) => Archive(false, entries);

    static byte[] Archive(bool compressed, params (string Key, byte[] Data)[] entries)
        => Archive(entries.Select(e => (e.Key, e.Data, true)).ToArray(), compressed);

    static byte[] Archive(params (string Name, byte[] Data, bool AddSuffix)[] entries) => Archive(entries, false);

    static byte[] Archive((string Name, byte[] Data, bool AddSuffix)[] entries, bool compressed)
    {
        var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
            foreach (var (name, data, suffix) in entries)
            {
                var e = zip.CreateEntry(suffix ? name + ".npy" : name, compressed ? CompressionLevel.Optimal : CompressionLevel.NoCompression);
                using var s = e.Open();
                s.Write(data);
            }
        return ms.ToArray();
    }

    /// <summary>Overwrites the uncompressed size of the named entry in its local header and central directory record.</summary>
    static void PatchSizes(byte[] zip, string name, uint size)
    {
        byte[] nameBytes = System.Text.Encoding.UTF8.GetBytes(name);
        int patched = 0;
        for (int i = 0; i + 46 < zip.Length; i++)
        {
            uint sig = BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(i));
            if (sig == 0x04034b50 && zip.AsSpan(i + 30, nameBytes.Length).SequenceEqual(nameBytes))
            {
                BinaryPrimitives.WriteUInt32LittleEndian(zip.AsSpan(i + 22), size);
                patched++;
            }
            else if (sig == 0x02014b50 && zip.AsSpan(i + 46, nameBytes.Length).SequenceEqual(nameBytes))
            {
                BinaryPrimitives.WriteUInt32LittleEndian(zip.AsSpan(i + 24), size);
                patched++;
            }
        }
        Assert.Equal(2, patched);
    }
}
