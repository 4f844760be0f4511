using System.Buffers.Binary;
using System.IO.Compression;
using Fovea.Data;
using Fovea.Tests.Reference;

namespace Fovea.Tests.Data;

public sealed class IdxTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("fovea-idx-").FullName;
    public void Dispose() => Directory.Delete(_dir, recursive: true);
    string P(string name) => Path.Combine(_dir, name);

    [Theory]
    [InlineData("a.idx")]
    [InlineData("a.idx.gz")]
    public void BytesRoundTrip(string name)
    {
        var data = new byte[2 * 3 * 5];
        for (int i = 0; i < data.Length; i++) data[i] = (byte)(i * 7);
        Idx.Write(P(name), data, [2, 3, 5]);
        var back = Idx.ReadBytes(P(name), out var dims);
        Assert.Equal(new[] { 2, 3, 5 }, dims);
        Assert.Equal(data, back);
        var t = Idx.Read(P(name));
        Assert.Equal(new[] { 2, 3, 5 }, (int[])t.Shape);
        Assert.Equal(7f * 29 % 256, t[1, 2, 4]);
        bool gz = File.ReadAllBytes(P(name))[0] == 0x1F;
        Assert.Equal(name.EndsWith(".gz"), gz);
    }

    [Fact]
    public void FloatRoundTripAndBigEndianLayout()
    {
        var x = Tensor.FromArray([1.5f, -2f, 3.25f, 0f], 2, 2);
        Idx.Write(P("f.idx"), x);
        var raw = File.ReadAllBytes(P("f.idx"));
        Assert.Equal(new byte[] { 0, 0, 0x0D, 2, 0, 0, 0, 2, 0, 0, 0, 2 }, raw[..12]);
        Assert.Equal(1.5f, BinaryPrimitives.ReadSingleBigEndian(raw.AsSpan(12)));
        TensorAssert.Close(x, Idx.Read(P("f.idx")));
        Assert.Throws<FoveaFormatException>(() => Idx.ReadBytes(P("f.idx"), out _));
    }

    [Fact]
    public void ReadsOtherTypes()
    {
        // int16 [3] = 1, -2, 300 and int32 [1] = -70000, big-endian.
        File.WriteAllBytes(P("s.idx"), [0, 0, 0x0B, 1, 0, 0, 0, 3, 0, 1, 0xFF, 0xFE, 0x01, 0x2C]);
        TensorAssert.Close([1f, -2, 300], Idx.Read(P("s.idx")));
        var i32 = new byte[12];
        i32[2] = 0x0C; i32[3] = 1; i32[7] = 1;
        BinaryPrimitives.WriteInt32BigEndian(i32.AsSpan(8), -70000);
        File.WriteAllBytes(P("i.idx"), i32);
        TensorAssert.Close([-70000f], Idx.Read(P("i.idx")));
    }

    static byte[] Header(byte type, params uint[] dims)
    {
        var h = new byte[4 + 4 * dims.Length];
        h[2] = type;
        h[3] = (byte)dims.Length;
        for (int i = 0; i < dims.Length; i++) BinaryPrimitives.WriteUInt32BigEndian(h.AsSpan(4 + 4 * i), dims[i]);
        return h;
    }

    static byte[] Gzip(byte[] data)
    {
        using var ms = new MemoryStream();
        using (var z = new GZipStream(ms, CompressionLevel.Fastest)) z.Write(data);
        return ms.ToArray();
    }

    public static TheoryData<string, byte[]> Hostile() => new()
    {
        { "empty", [] },
        { "short header", [0, 0, 8] },
        { "bad magic", [1, 0, 8, 1, 0, 0, 0, 1, 5] },
        { "unknown type", [0, 0, 0x42, 1, 0, 0, 0, 1, 5] },
        { "rank 0", [0, 0, 8, 0] },
        { "rank 200", [0, 0, 8, 200, 0, 0, 0, 1] },
        { "truncated dims", [0, 0, 8, 3, 0, 0, 0, 1] },
        { "huge claim", [.. Header(8, 60000, 28, 28), 1, 2, 3] },
        { "over 2 GB", Header(0x0E, 65536, 65536, 4) },
        { "dim > int", Header(8, 0xFFFFFFFF) },
        { "short data", [.. Header(8, 2, 2), 1, 2, 3] },
        { "trailing data", [.. Header(8, 2), 1, 2, 3] },
    };

    [Theory]
    [MemberData(nameof(Hostile))]
    public void HostileFilesThrowFormatErrorsNamingTheFile(string what, byte[] bytes)
    {
        foreach (var (name, content) in new[] { ("h.idx", bytes), ("h.idx.gz", Gzip(bytes)) })
        {
            File.WriteAllBytes(P(name), content);
            long before = GC.GetAllocatedBytesForCurrentThread();
            var e = Assert.Throws<FoveaFormatException>(() => Idx.Read(P(name)));
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.Contains(name, e.Message);
            Assert.True(allocated < 4 << 20, $"{what} ({name}): allocated {allocated} bytes before failing");
        }
    }

    [Fact]
    public void CorruptGzipIsAFormatError()
    {
        var gz = Gzip([.. Header(8, 100), .. new byte[100]]);
        gz[12] ^= 0xFF; gz[13] ^= 0x55;
        File.WriteAllBytes(P("c.idx.gz"), gz[..^6]);
        Assert.Throws<FoveaFormatException>(() => Idx.Read(P("c.idx.gz")));
    }
}
