using System.Buffers.Binary;
using System.Text;
using Fovea.IO;
using Fovea.Tests.Reference;

namespace Fovea.Tests.IO;

public class NpyTests
{
    [Theory]
    [InlineData("f4.npy")]
    [InlineData("f8.npy")]
    [InlineData("f2.npy")]
    [InlineData("i1.npy")]
    [InlineData("i2.npy")]
    [InlineData("i4.npy")]
    [InlineData("i8.npy")]
    [InlineData("u1.npy")]
    [InlineData("bool.npy")]
    [InlineData("be_f4.npy")]
    [InlineData("be_i4.npy")]
    [InlineData("be_f8.npy")]
    [InlineData("fortran.npy")]
    [InlineData("fortran_f8.npy")]
    [InlineData("scalar.npy")]
    [InlineData("empty.npy")]
    [InlineData("v2.npy")]
    [InlineData("v3.npy")]
    public void ReadsNumPyFilesAsNumPyDoes(string name)
    {
        Golden.AssertMatches(name, Npy.Load(Golden.Path(name)));
    }

    [Fact]
    public void GoldenValuesSpotChecks()
    {
        var f = Npy.Load(Golden.Path("fortran.npy"));                   // np.asfortranarray(np.arange(24).reshape(2,3,4))
        Assert.Equal(new[] { 2, 3, 4 }, (int[])f.Shape);
        Assert.True(f.IsContiguous);
        TensorAssert.Close(Tensor.Arange(24).ToArray(), f, 0, 0);
        Assert.Equal(23f, f[1, 2, 3]);

        var s = Npy.Load(Golden.Path("scalar.npy"));
        Assert.Equal(0, s.Rank);
        Assert.Equal(3.5f, s.Item());

        TensorAssert.Close([1, 0, 1, 0, 0, 1], Npy.Load(Golden.Path("bool.npy")), 0, 0);
        TensorAssert.Close([1, -2, 65536, -2147483648f], Npy.Load(Golden.Path("be_i4.npy")), 0, 0);
        // int64: exact up to 2^24, rounded to the nearest float32 beyond (2^40 + 1 -> 2^40)
        TensorAssert.Close([-3, 0, 16777216, 1099511627776f, -4611686018427387904f], Npy.Load(Golden.Path("i8.npy")), 0, 0);
        Assert.Equal(new[] { 0, 3 }, (int[])Npy.Load(Golden.Path("empty.npy")).Shape);
    }

    [Fact]
    public void RoundTripsEveryRankAndNonContiguousViews()
    {
        var g = new Generator(7);
        int[][] shapes = [[], [1], [5], [3, 4], [2, 3, 5], [2, 1, 3, 7], [0, 4]];
        foreach (var shape in shapes)
        {
            var t = Tensor.Randn(g, shape);
            var back = RoundTrip(t);
            Assert.Equal(t.Shape, back.Shape);
            TensorAssert.Close(t, back, 0, 0);
        }
        var x = Tensor.Randn(g, 3, 5);
        TensorAssert.Close(x.T, RoundTrip(x.T), 0, 0);
    }

    [Fact]
    public void WritesTheHeaderNumPyWrites()
    {
        var ms = new MemoryStream();
        Npy.Write(ms, Tensor.Zeros(2, 3));
        byte[] b = ms.ToArray();
        int hlen = BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(8));
        Assert.Equal(new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0 }, b[..8]);
        Assert.Equal(0, (10 + hlen) % 64);
        string header = Encoding.ASCII.GetString(b, 10, hlen);
        Assert.StartsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", header);
        Assert.EndsWith("\n", header);
        Assert.Equal(10 + hlen + 24, b.Length);

        ms.SetLength(0);
        Npy.Write(ms, Tensor.Zeros(7));
        Assert.Contains("'shape': (7,), }", Encoding.ASCII.GetString(ms.ToArray()));
        ms.SetLength(0);
        Npy.Write(ms, Tensor.Scalar(1));
        Assert.Contains("'shape': (), }", Encoding.ASCII.GetString(ms.ToArray()));
    }

    [Fact]
    public void SaveAndLoadFiles()
    {
        string dir = TempDir();
        try
        {
            string path = Path.Combine(dir, "x.npy");
            var t = Tensor.Randn(new Generator(1), 4, 3);
            Npy.Save(path, t);
            Npy.Save(path, t); // overwrite
            TensorAssert.Close(t, Npy.Load(path), 0, 0);
            Assert.Single(Directory.GetFiles(dir));
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void ReadsFromNonSeekableStreams()
    {
        var t = Tensor.Randn(new Generator(3), 3, 300);
        var ms = new MemoryStream();
        Npy.Write(ms, t);
        TensorAssert.Close(t, Npy.Read(new ForwardOnlyStream(ms.ToArray())), 0, 0);
        // two arrays back to back: Read stops right after the first one's data
        ms.Position = ms.Length;
        Npy.Write(ms, Tensor.Ones(2));
        ms.Position = 0;
        TensorAssert.Close(t, Npy.Read(ms), 0, 0);
        TensorAssert.Close([1, 1], Npy.Read(ms), 0, 0);
    }

    // ---- hostile input

    [Fact]
    public void EveryTruncationIsAFormatError()
    {
        byte[] full = File.ReadAllBytes(Golden.Path("f4.npy"));
        for (int n = 0; n < full.Length; n++)
        {
            var e = Assert.Throws<FoveaFormatException>(() => Npy.Read(new MemoryStream(full, 0, n)));
            Assert.Contains("NPY", e.Message);
            Assert.Throws<FoveaFormatException>(() => Npy.Read(new ForwardOnlyStream(full[..n])));
        }
    }

    [Fact]
    public void AbsurdHeaderLengthIsRejectedBeforeReading()
    {
        var b = Craft("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", major: 2);
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(8), 0xFFFFFFF0);
        var e = Assert.Throws<FoveaFormatException>(() => ReadAllocating(b, maxBytes: 1 << 16));
        Assert.Contains("header length 4294967280", e.Message);
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(8), 60000);
        e = Assert.Throws<FoveaFormatException>(() => ReadAllocating(b, maxBytes: 1 << 16));
        Assert.Contains("truncated header", e.Message);
    }

    [Theory]
    [InlineData("(-1, 3)", "negative dimension (-1) at axis 0")]
    [InlineData("(3000000000,)", "larger than 2147483647")]
    [InlineData("(100000, 100000, 100000)", "more elements than one array can hold")]
    [InlineData("(99999999999999999999999999,)", "larger than 2147483647")]
    [InlineData("(2, x)", "malformed header")]
    [InlineData("[2, 3]", "malformed header")]
    public void BadShapesAreFormatErrors(string shape, string expected)
    {
        var b = Craft("{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }");
        var e = Assert.Throws<FoveaFormatException>(() => ReadAllocating(b, maxBytes: 1 << 16));
        Assert.Contains(expected, e.Message);
    }

    [Theory]
    [InlineData("'<c8'", "unsupported dtype '<c8'")]
    [InlineData("'|O'", "unsupported dtype '|O'")]
    [InlineData("'<U5'", "unsupported dtype '<U5'")]
    [InlineData("'|f4'", "no byte order")]
    [InlineData("[('a', '<f4')]", "structured dtypes")]
    public void UnknownDtypesAreFormatErrors(string descr, string expected)
    {
        var b = Craft("{'descr': " + descr + ", 'fortran_order': False, 'shape': (1,), }", data: new byte[16]);
        var e = Assert.Throws<FoveaFormatException>(() => Npy.Read(new MemoryStream(b)));
        Assert.Contains(expected, e.Message);
    }

    [Theory]
    [InlineData("{'descr': '<f4', 'shape': (1,), }", "lacks 'fortran_order'")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'shape': (2,)}", "appears twice")]
    [InlineData("{'descr': '<f4', 'fortran_order': 0, 'shape': (1,), }", "expected True or False")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'x': 1}", "unexpected header key 'x'")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (1,) } junk", "unexpected text")]
    [InlineData("{'descr': '<f4, 'fortran_order': False}", "malformed header")]
    public void MalformedHeadersAreFormatErrors(string header, string expected)
    {
        var e = Assert.Throws<FoveaFormatException>(() => Npy.Read(new MemoryStream(Craft(header, data: new byte[4]))));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void BadMagicAndVersionsAreFormatErrors()
    {
        var b = Craft("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", data: new byte[4]);
        b[1] = (byte)'X';
        Assert.Contains("not an NPY file", Assert.Throws<FoveaFormatException>(() => Npy.Read(new MemoryStream(b))).Message);
        b = Craft("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", major: 4, data: new byte[4]);
        Assert.Contains("version 4.0", Assert.Throws<FoveaFormatException>(() => Npy.Read(new MemoryStream(b))).Message);
    }

    [Fact]
    public void ShortDataIsCheckedBeforeAllocating()
    {
        // declares 2e9 bytes of float32 but holds 8: a seekable stream fails before the 2 GB allocation
        var b = Craft("{'descr': '<f4', 'fortran_order': False, 'shape': (500000000,), }", data: new byte[8]);
        var e = Assert.Throws<FoveaFormatException>(() => ReadAllocating(b, maxBytes: 1 << 16));
        Assert.Contains("needs 2000000000 bytes, the file has 8", e.Message);

        // a stream of unknown length: memory grows only as data arrives, so the failure costs a few MB, not 2 GB
        long before = GC.GetAllocatedBytesForCurrentThread();
        e = Assert.Throws<FoveaFormatException>(() => Npy.Read(new ForwardOnlyStream(b)));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 16 << 20);
        Assert.Contains("the stream ended after 8", e.Message);

        // the same for a converted dtype (int64)
        b = Craft("{'descr': '<i8', 'fortran_order': False, 'shape': (20, 30), }", data: new byte[4792]);
        Assert.Contains("needs 4800 bytes", Assert.Throws<FoveaFormatException>(() => Npy.Read(new MemoryStream(b))).Message);
    }

    [Fact]
    public void ErrorsNameTheFile()
    {
        string dir = TempDir();
        try
        {
            string path = Path.Combine(dir, "broken.npy");
            File.WriteAllBytes(path, Craft("{'descr': '<f4', 'fortran_order': False, 'shape': (10,), }", data: new byte[4]));
            var e = Assert.Throws<FoveaFormatException>(() => Npy.Load(path));
            Assert.Contains("broken.npy", e.Message);
            Assert.Contains("truncated", e.Message);
            using var fs = File.OpenRead(path);
            Assert.Contains("broken.npy", Assert.Throws<FoveaFormatException>(() => Npy.Read(fs)).Message);
        }
        finally { Directory.Delete(dir, true); }
    }

    // ---- helpers

    static Tensor RoundTrip(Tensor t)
    {
        var ms = new MemoryStream();
        Npy.Write(ms, t);
        ms.Position = 0;
        var back = Npy.Read(ms);
        Assert.Equal(ms.Length, ms.Position);
        return back;
    }

    /// <summary>Reads from a seekable stream and checks the attempt allocated at most <paramref name="maxBytes"/>.</summary>
    static Tensor ReadAllocating(byte[] file, long maxBytes)
    {
        var ms = new MemoryStream(file);
        long before = GC.GetAllocatedBytesForCurrentThread();
        try { return Npy.Read(ms); }
        finally { Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < maxBytes, "allocated too much before failing"); }
    }

    /// <summary>An NPY file with the given header text (padded like NumPy's) and raw data bytes.</summary>
    internal static byte[] Craft(string header, int major = 1, byte[]? data = null)
    {
        int prefix = major == 1 ? 10 : 12;
        int total = (prefix + header.Length + 1 + 63) / 64 * 64;
        var b = new byte[total + (data?.Length ?? 0)];
        byte[] magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];
        magic.CopyTo(b, 0);
        b[6] = (byte)major;
        if (major == 1) BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(8), (ushort)(total - prefix));
        else BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(8), (uint)(total - prefix));
        Encoding.ASCII.GetBytes(header).CopyTo(b, prefix);
        b.AsSpan(prefix + header.Length, total - prefix - header.Length - 1).Fill((byte)' ');
        b[total - 1] = (byte)'\n';
        data?.CopyTo(b, total);
        return b;
    }

    internal static string TempDir()
    {
        string d = Path.Combine(Path.GetTempPath(), "fovea-io-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(d);
        return d;
    }
}

/// <summary>A read-only stream that cannot seek and returns data in small pieces, like a network stream.</summary>
internal sealed class ForwardOnlyStream(byte[] data) : Stream
{
    int _pos;
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
    public override int Read(Span<byte> buffer)
    {
        int n = Math.Min(Math.Min(buffer.Length, data.Length - _pos), 1000);
        data.AsSpan(_pos, n).CopyTo(buffer);
        _pos += n;
        return n;
    }
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
