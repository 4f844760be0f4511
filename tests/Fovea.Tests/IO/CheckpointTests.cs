using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;
using Fovea.IO;
using Fovea.Tests.Reference;

namespace Fovea.Tests.IO;

public class CheckpointTests
{
    [Fact]
    public void Crc32MatchesZlib()
    {
        Assert.Equal(0xCBF43926u, Crc32.Compute("123456789"u8));
        Assert.Equal(0u, Crc32.Compute([]));
        var data = new byte[1000];
        for (int i = 0; i < data.Length; i++) data[i] = (byte)(i * 7 + 3);
        uint whole = Crc32.Compute(data);
        for (int cut = 0; cut <= 20; cut++)
            Assert.Equal(whole, Crc32.Append(Crc32.Compute(data.AsSpan(0, cut)), data.AsSpan(cut)));
        // bitwise reference (one bit at a time, the definition)
        uint c = 0xFFFFFFFF;
        foreach (byte b in data) { c ^= b; for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? (c >> 1) ^ 0xEDB88320u : c >> 1; }
        Assert.Equal(~c, whole);
    }

    [Fact]
    public void RoundTripsTensorsAndMetadata()
    {
        var g = new Generator(5);
        var x = Tensor.Randn(g, 3, 5);
        var tensors = new List<KeyValuePair<string, Tensor>>
        {
            new("conv1.weight", Tensor.Randn(g, 4, 3, 3, 3)),
            new("conv1.bias", Tensor.Randn(g, 4)),
            new("bn.num_batches_tracked", Tensor.Scalar(17)),
            new("empty", Tensor.Zeros(0, 3)),
            new("transposed", x.T),
            new("special", Tensor.FromArray([float.NaN, float.PositiveInfinity, -0f, float.Epsilon, -3.4e38f])),
            new("ünïcode ключ", Tensor.Ones(2, 1, 2)),
            new("a", Tensor.Zeros(1)),
        };
        var meta = new JsonObject
        {
            ["model"] = "SmallCnn",
            ["epoch"] = 12,
            ["config"] = new JsonObject { ["lr"] = 0.001, ["layers"] = new JsonArray(32, 64) },
            ["metrics"] = new JsonObject { ["val_acc"] = 0.9871 },
            ["rng"] = Convert.ToBase64String([1, 2, 3, 250]),
        };
        var back = RoundTrip(tensors, meta);
        Assert.Equal(tensors.Select(p => p.Key), back.Tensors.Keys);
        foreach (var (k, t) in tensors)
        {
            Assert.Equal(t.Shape, back.Tensors[k].Shape);
            var e = t.ToArray(); var a = back.Tensors[k].ToArray();
            for (int i = 0; i < e.Length; i++) Assert.Equal(BitConverter.SingleToInt32Bits(e[i]), BitConverter.SingleToInt32Bits(a[i]));
        }
        Assert.True(JsonNode.DeepEquals(meta, back.Metadata), back.Metadata.ToJsonString());
        Assert.Equal(0.9871, back.Metadata["metrics"]!["val_acc"]!.GetValue<double>());

        var none = RoundTrip([], null);
        Assert.Empty(none.Tensors);
        Assert.Empty(none.Metadata);
    }

    [Fact]
    public void LayoutIsTheDocumentedOne()
    {
        byte[] f = Bytes([new("w", Tensor.Arange(3)), new("b", Tensor.Ones(2, 2))], new JsonObject { ["e"] = 1 });
        Assert.Equal("FOVEACKP"u8.ToArray(), f[..8]);
        Assert.Equal(1u, U32(f, 8));
        uint j = U32(f, 12);
        Assert.Equal("{\"e\":1}", Encoding.UTF8.GetString(f, 16, (int)j));
        int p = 16 + (int)j;
        Assert.Equal(2u, U32(f, p)); p += 4;
        Assert.Equal(1u, U32(f, p)); Assert.Equal((byte)'w', f[p + 4]); p += 5;
        Assert.Equal(1u, U32(f, p)); Assert.Equal(3u, U32(f, p + 4)); p += 8;
        long off0 = (long)BinaryPrimitives.ReadUInt64LittleEndian(f.AsSpan(p));
        Assert.Equal(12UL, BinaryPrimitives.ReadUInt64LittleEndian(f.AsSpan(p + 8))); p += 16;
        Assert.Equal(1u, U32(f, p)); Assert.Equal((byte)'b', f[p + 4]); p += 5;
        Assert.Equal(2u, U32(f, p)); Assert.Equal(2u, U32(f, p + 4)); Assert.Equal(2u, U32(f, p + 8)); p += 12;
        long off1 = (long)BinaryPrimitives.ReadUInt64LittleEndian(f.AsSpan(p));
        Assert.Equal(128, off0);                                       // the table ends at 89
        Assert.Equal(192, off1);
        Assert.Equal(2f, BinaryPrimitives.ReadSingleLittleEndian(f.AsSpan((int)off0 + 8)));
        Assert.Equal(off1 + 16 + 4, f.Length);
        Assert.Equal(Crc32.Compute(f.AsSpan(0, f.Length - 4)), U32(f, f.Length - 4));
    }

    [Fact]
    public void SaveReplacesAtomicallyAndLeavesNoTempFiles()
    {
        string dir = NpyTests.TempDir();
        try
        {
            string path = Path.Combine(dir, "model.ckpt");
            Checkpoint.Save(path, [new("w", Tensor.Ones(3))], new JsonObject { ["epoch"] = 1 });
            Checkpoint.Save(path, [new("w", Tensor.Zeros(3))], new JsonObject { ["epoch"] = 2 });
            var d = Checkpoint.Load(path);
            Assert.Equal(2, d.Metadata["epoch"]!.GetValue<int>());
            TensorAssert.Close([0, 0, 0], d.Tensors["w"], 0, 0);

            // a failure while writing (here: thrown by the writer; on disk full, by the file system) keeps the old file
            byte[] before = File.ReadAllBytes(path);
            Assert.Throws<IOException>(() => AtomicFile.Write(path, fs => { fs.Write(new byte[1000]); throw new IOException("disk full"); }));
            Assert.Equal(before, File.ReadAllBytes(path));
            Assert.Equal(new[] { path }, Directory.GetFiles(dir));

            // invalid arguments fail before any file is touched
            Assert.Throws<ArgumentException>(() => Checkpoint.Save(path, [new("w", Tensor.Ones(1)), new("w", Tensor.Ones(1))]));
            Assert.Throws<ArgumentException>(() => Checkpoint.Save(path, [new("", Tensor.Ones(1))]));
            Assert.Equal(before, File.ReadAllBytes(path));
            Assert.Single(Directory.GetFiles(dir));
        }
        finally { Directory.Delete(dir, true); }
    }

    // ---- hostile input

    [Fact]
    public void TruncationAtEveryByteIsAFormatError()
    {
        byte[] f = Small();
        for (int n = 0; n < f.Length; n++)
        {
            Exception? ex = Record.Exception(() => Checkpoint.Read(new MemoryStream(f, 0, n)));
            Assert.True(ex is FoveaFormatException, $"truncated at {n} of {f.Length}: {ex?.GetType().Name ?? "no exception"}: {ex?.Message}");
        }
        Assert.Contains("checksum mismatch", Read(f[..^1]).Message);
    }

    [Fact]
    public void BitFlipsAreCaughtByTheChecksum()
    {
        byte[] f = Small();
        var g = new Generator(99);
        for (int trial = 0; trial < 200; trial++)
        {
            byte[] c = (byte[])f.Clone();
            int pos = 12 + g.NextInt(c.Length - 12);   // past magic and version, which have their own messages
            c[pos] ^= (byte)(1 << g.NextInt(8));
            var e = Read(c);
            Assert.Contains("is corrupt: checksum mismatch", e.Message);
        }
    }

    [Fact]
    public void WrongMagicAndNewerVersionsHaveClearMessages()
    {
        Assert.Contains("not a Fovea checkpoint", Read(File.ReadAllBytes(Golden.Path("f4.npy"))).Message);
        Assert.Contains("not a Fovea checkpoint", Read([]).Message);
        byte[] f = Small();
        BinaryPrimitives.WriteUInt32LittleEndian(f.AsSpan(8), 2);
        Assert.Contains("written by a newer Fovea (format v2); this build reads v1", Read(f).Message);
        BinaryPrimitives.WriteUInt32LittleEndian(f.AsSpan(8), 0);
        Assert.Contains("format version 0", Read(f).Message);
    }

    [Fact]
    public void ErrorsNameTheFile()
    {
        string dir = NpyTests.TempDir();
        try
        {
            string path = Path.Combine(dir, "run7.ckpt");
            Checkpoint.Save(path, [new("w", Tensor.Ones(5))]);
            byte[] f = File.ReadAllBytes(path);
            f[f.Length - 10] ^= 1;
            File.WriteAllBytes(path, f);
            var e = Assert.Throws<FoveaFormatException>(() => Checkpoint.Load(path));
            Assert.StartsWith($"checkpoint '{path}' is corrupt: checksum mismatch", e.Message);
        }
        finally { Directory.Delete(dir, true); }
    }

    // Files with a valid checksum but hostile contents: the loader still checks every field against the file size.
    // Layout of Small(): magic 0, version 8, json length 12 (=2), "{}" 16, count 18, then tensor "a":
    // name length 22, name 26, rank 27, dim 31, offset 35, byte length 43; tensor "b": name length 51, name 55, ...
    [Theory]
    [InlineData(12, 0x7FFFFFF0L, 4, "metadata")]                       // metadata length far past the end
    [InlineData(18, 0xFFFFFFFFL, 4, "tensor count 4294967295 cannot fit")]
    [InlineData(22, 0L, 4, "name of 0 bytes")]
    [InlineData(22, 0xFFFFFF00L, 4, "name of 4294967040 bytes")]
    [InlineData(27, 1000L, 4, "rank 1000")]
    [InlineData(27, 60L, 4, "dimensions")]                            // 60 dims of 4 bytes run past the table
    [InlineData(31, 0x80000000L, 4, "dimension 0 is 2147483648")]
    [InlineData(31, 100000L, 4, "declares 16 data bytes, expected 400000")]
    [InlineData(35, 1L << 40, 8, "lies outside the file")]
    [InlineData(35, 65L, 8, "not a multiple of 64")]
    [InlineData(35, 0L, 8, "overlaps the table")]
    [InlineData(43, -16L, 8, "declares 18446744073709551600 data bytes")]
    public void HostileFieldsWithAValidChecksumAreFormatErrors(int offset, long value, int width, string expected)
    {
        byte[] f = Small();
        if (width == 4) BinaryPrimitives.WriteUInt32LittleEndian(f.AsSpan(offset), (uint)value);
        else BinaryPrimitives.WriteUInt64LittleEndian(f.AsSpan(offset), (ulong)value);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Read(Recrc(f));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20, "allocated too much before failing");
        Assert.Contains("is corrupt", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void DuplicateNamesAndBadMetadataAreFormatErrors()
    {
        byte[] f = Small();
        f[55] = (byte)'a';                                             // rename "b" to "a"
        Assert.Contains("tensor name 'a' appears twice", Read(Recrc(f)).Message);

        f = Bytes([new("x", Tensor.Ones(1))], new JsonObject { ["k"] = 1 }); // metadata {"k":1}
        "[1,2,3]"u8.CopyTo(f.AsSpan(16));
        Assert.Contains("not a JSON object", Read(Recrc(f)).Message);
        f[22] = (byte)'x';
        Assert.Contains("not valid JSON", Read(Recrc(f)).Message);
        f[16] = 0xFF;
        Assert.Contains("not valid UTF-8", Read(Recrc(f)).Message);
    }

    // ---- helpers

    static CheckpointData RoundTrip(IEnumerable<KeyValuePair<string, Tensor>> tensors, JsonObject? meta)
    {
        var ms = new MemoryStream();
        Checkpoint.Write(ms, tensors, meta);
        ms.Position = 0;
        return Checkpoint.Read(ms);
    }

    static byte[] Bytes(IEnumerable<KeyValuePair<string, Tensor>> tensors, JsonObject? meta)
    {
        var ms = new MemoryStream();
        Checkpoint.Write(ms, tensors, meta);
        return ms.ToArray();
    }

    /// <summary>Two tensors "a" [4] and "b" [2,3], no metadata: 220 bytes.</summary>
    static byte[] Small() => Bytes([new("a", Tensor.Arange(4)), new("b", Tensor.Arange(6).Reshape(2, 3))], null);

    static byte[] Recrc(byte[] f)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(f.AsSpan(f.Length - 4), Crc32.Compute(f.AsSpan(0, f.Length - 4)));
        return f;
    }

    static uint U32(byte[] f, int at) => BinaryPrimitives.ReadUInt32LittleEndian(f.AsSpan(at));

    static FoveaFormatException Read(byte[] f) => Assert.Throws<FoveaFormatException>(() => Checkpoint.Read(new MemoryStream(f)));
}
