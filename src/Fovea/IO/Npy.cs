using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace Fovea.IO;

/// <summary>
/// NumPy's <c>.npy</c> format (versions 1.0, 2.0 and 3.0), the files <c>numpy.save</c> writes.
/// <para>Reading accepts float16/32/64, int8/16/32/64, uint8/16/32/64 and bool, little- or big-endian, C or Fortran
/// order, any rank including 0-D; every array becomes a C-order float32 <see cref="Tensor"/> (the engine's only
/// dtype). Integers are converted exactly up to 2^24 in magnitude; larger int32/int64/uint values round to the
/// nearest float32 (e.g. 2^24 + 1 reads as 2^24), and float64 values round to float32 (overflowing to ±infinity).
/// bool reads as 0/1.</para>
/// <para>Writing produces little-endian float32 (<c>&lt;f4</c>), C order, version 1.0 (2.0 only if the header would not fit).</para>
/// <para>Hostile files throw <see cref="FoveaFormatException"/> naming the file and the problem: a truncated or
/// malformed header, a header longer than <see cref="MaxHeaderLength"/>, negative or oversized dimensions, an
/// unknown dtype, or data shorter than the shape declares. When the stream's length is known (a seekable stream, a
/// file) the data size is checked against it before anything is allocated; otherwise memory grows only as bytes arrive.</para>
/// </summary>
public static class Npy
{
    /// <summary>Largest header accepted, in bytes (NumPy itself refuses headers above 10,000 bytes by default).</summary>
    public const int MaxHeaderLength = 65536;

    static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Reads the array in the file at <paramref name="path"/>.</summary>
    public static Tensor Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        return ReadCore(fs, $"NPY file '{path}'", fs.Length);
    }

    /// <summary>Reads one array from the stream's current position (leaves the stream just past the array's data).</summary>
    public static Tensor Read(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        string what = stream is FileStream fs ? $"NPY file '{fs.Name}'" : "NPY stream";
        long available = stream.CanSeek ? Math.Max(0, stream.Length - stream.Position) : -1;
        return ReadCore(stream, what, available);
    }

    /// <summary>Writes <paramref name="tensor"/> to the file at <paramref name="path"/> (replaced atomically if it exists).</summary>
    public static void Save(string path, Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(tensor);
        AtomicFile.Write(path, fs => Write(fs, tensor));
    }

    /// <summary>Writes <paramref name="tensor"/> as a version 1.0 <c>&lt;f4</c> C-order array at the stream's position.</summary>
    public static void Write(Stream stream, Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(tensor);
        string header = NpyHeader.Format(tensor.Shape.Dims);
        // magic(6) + version(2) + length(2 or 4) + header + padding + '\n' is a multiple of 64, as NumPy writes it.
        int prefix = 10;
        int total = Align(prefix + header.Length + 1, 64);
        if (total - prefix > ushort.MaxValue) { prefix = 12; total = Align(prefix + header.Length + 1, 64); }
        int hlen = total - prefix;
        var buf = new byte[total];
        Magic.CopyTo(buf);
        buf[6] = (byte)(prefix == 10 ? 1 : 2);
        buf[7] = 0;
        if (prefix == 10) BinaryPrimitives.WriteUInt16LittleEndian(buf.AsSpan(8), (ushort)hlen);
        else BinaryPrimitives.WriteUInt32LittleEndian(buf.AsSpan(8), (uint)hlen);
        int n = Encoding.ASCII.GetBytes(header, buf.AsSpan(prefix));
        buf.AsSpan(prefix + n, hlen - n - 1).Fill((byte)' ');
        buf[total - 1] = (byte)'\n';
        stream.Write(buf);
        WriteFloatsLE(stream, tensor);
    }

    static int Align(int x, int a) => (x + a - 1) / a * a;

    /// <summary>Writes the tensor's elements in row-major order as little-endian float32.</summary>
    internal static void WriteFloatsLE(Stream stream, Tensor t)
    {
        if (t.Numel == 0) return;
        if (BitConverter.IsLittleEndian && t.IsContiguous)
        {
            stream.Write(MemoryMarshal.AsBytes(t.Storage.AsSpan(t.Offset, t.Numel)));
            return;
        }
        float[] data = t.ToArray();
        if (!BitConverter.IsLittleEndian)
        {
            var u = MemoryMarshal.Cast<float, uint>(data.AsSpan());
            BinaryPrimitives.ReverseEndianness(u, u);
        }
        stream.Write(MemoryMarshal.AsBytes(data.AsSpan()));
    }

    /// <summary>
    /// Reads one array. <paramref name="what"/> starts every error message ("NPY file 'x.npy'");
    /// <paramref name="available"/> is the number of bytes left in the stream, or -1 when unknown. Sizes are checked
    /// against it before reading; the data buffer is allocated in full up front only when <paramref name="backed"/>
    /// says those bytes really exist (a file, a memory stream), not merely declared (a compressed ZIP entry).
    /// </summary>
    internal static Tensor ReadCore(Stream s, string what, long available, bool backed = true)
    {
        Span<byte> pre = stackalloc byte[12];
        if (available is >= 0 and < 10)
            throw new FoveaFormatException($"{what}: too short to be an NPY file ({available} bytes).");
        ReadHeaderBytes(s, pre[..8], what, "the magic string and version");
        if (!pre[..6].SequenceEqual(Magic))
            throw new FoveaFormatException($"{what}: not an NPY file (missing the \\x93NUMPY magic string).");
        int major = pre[6], minor = pre[7];
        if (major is < 1 or > 3 || minor != 0)
            throw new FoveaFormatException($"{what}: unsupported NPY format version {major}.{minor} (this build reads 1.0, 2.0 and 3.0).");
        int lenBytes = major == 1 ? 2 : 4;
        ReadHeaderBytes(s, pre.Slice(8, lenBytes), what, "the header length");
        long hlen = major == 1 ? BinaryPrimitives.ReadUInt16LittleEndian(pre[8..]) : BinaryPrimitives.ReadUInt32LittleEndian(pre[8..]);
        long consumed = 8 + lenBytes;
        if (hlen > MaxHeaderLength)
            throw new FoveaFormatException($"{what}: header length {hlen} bytes exceeds the {MaxHeaderLength}-byte limit (corrupt or hostile file).");
        if (available >= 0 && hlen > available - consumed)
            throw new FoveaFormatException($"{what}: truncated header (declares {hlen} bytes, only {available - consumed} remain).");
        var hbytes = new byte[hlen];
        ReadHeaderBytes(s, hbytes, what, "the header");
        consumed += hlen;
        string text;
        try
        {
            text = major == 3 ? new UTF8Encoding(false, true).GetString(hbytes) : Encoding.Latin1.GetString(hbytes);
        }
        catch (DecoderFallbackException e)
        {
            throw new FoveaFormatException($"{what}: header is not valid UTF-8.", e);
        }
        var h = NpyHeader.Parse(text, what);

        long need = h.DataBytes;
        if (available >= 0 && need > available - consumed)
            throw new FoveaFormatException(
                $"{what}: data is truncated: shape {Shape.Format(h.Dims)} of '{h.Descr}' needs {need} bytes, the file has {available - consumed}.");

        float[] data = ReadData(s, h, what, knownLength: available >= 0 && backed);
        var shape = Shape.Own(h.Dims);
        if (h.FortranOrder && h.Dims.Length > 1 && h.Numel > 1)
        {
            // Column-major: the first axis varies fastest. View with those strides, then copy into row-major order.
            var strides = new int[h.Dims.Length];
            int acc = 1;
            for (int i = 0; i < strides.Length; i++) { strides[i] = acc; acc *= Math.Max(h.Dims[i], 1); }
            return new Tensor(data, shape, strides, 0).Clone();
        }
        return new Tensor(data, shape);
    }

    static void ReadHeaderBytes(Stream s, Span<byte> dst, string what, string part)
    {
        int got = ReadUpTo(s, dst);
        if (got < dst.Length) throw new FoveaFormatException($"{what}: truncated header (the stream ends inside {part}).");
    }

    static int ReadUpTo(Stream s, Span<byte> dst)
    {
        int got = 0;
        while (got < dst.Length)
        {
            int r = s.Read(dst[got..]);
            if (r <= 0) break;
            got += r;
        }
        return got;
    }

    const int ChunkBytes = 1 << 16;
    const int InitialElements = 1 << 20;

    static float[] ReadData(Stream s, NpyHeader h, string what, bool knownLength)
    {
        int numel = h.Numel;
        int item = h.ItemSize;
        // When the length is unknown, grow the buffer as data arrives rather than trusting the header's shape.
        var data = new float[knownLength ? numel : Math.Min(numel, InitialElements)];
        bool direct = h.Kind == NpyKind.Float && item == 4 && h.BigEndian == !BitConverter.IsLittleEndian;
        byte[]? buf = direct ? null : ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            int done = 0;
            while (done < numel)
            {
                if (done == data.Length) Array.Resize(ref data, (int)Math.Min(numel, 2L * data.Length));
                int n = direct ? data.Length - done : Math.Min(data.Length - done, ChunkBytes / item);
                Span<byte> dst = direct ? MemoryMarshal.AsBytes(data.AsSpan(done, n)) : buf.AsSpan(0, n * item);
                int got = ReadUpTo(s, dst);
                if (got < dst.Length)
                    throw new FoveaFormatException(
                        $"{what}: data is truncated: shape {Shape.Format(h.Dims)} of '{h.Descr}' needs {h.DataBytes} bytes, the stream ended after {(long)done * item + got}.");
                if (!direct) Convert(dst, data.AsSpan(done, n), h);
                done += n;
            }
        }
        finally
        {
            if (buf != null) ArrayPool<byte>.Shared.Return(buf);
        }
        return data;
    }

    /// <summary>Converts raw elements of the header's dtype into float32.</summary>
    static void Convert(ReadOnlySpan<byte> src, Span<float> dst, NpyHeader h)
    {
        bool big = h.BigEndian;
        switch (h.Kind, h.ItemSize)
        {
            case (NpyKind.Bool, 1):
                for (int i = 0; i < dst.Length; i++) dst[i] = src[i] != 0 ? 1f : 0f;
                break;
            case (NpyKind.UInt, 1):
                for (int i = 0; i < dst.Length; i++) dst[i] = src[i];
                break;
            case (NpyKind.Int, 1):
                for (int i = 0; i < dst.Length; i++) dst[i] = (sbyte)src[i];
                break;
            case (NpyKind.Int, 2):
                for (int i = 0; i < dst.Length; i++)
                    dst[i] = big ? BinaryPrimitives.ReadInt16BigEndian(src[(2 * i)..]) : BinaryPrimitives.ReadInt16LittleEndian(src[(2 * i)..]);
                break;
            case (NpyKind.UInt, 2):
                for (int i = 0; i < dst.Length; i++)
                    dst[i] = big ? BinaryPrimitives.ReadUInt16BigEndian(src[(2 * i)..]) : BinaryPrimitives.ReadUInt16LittleEndian(src[(2 * i)..]);
                break;
            case (NpyKind.Float, 2):
                for (int i = 0; i < dst.Length; i++)
                    dst[i] = (float)(big ? BinaryPrimitives.ReadHalfBigEndian(src[(2 * i)..]) : BinaryPrimitives.ReadHalfLittleEndian(src[(2 * i)..]));
                break;
            case (NpyKind.Int, 4):
                for (int i = 0; i < dst.Length; i++)
                    dst[i] = big ? BinaryPrimitives.ReadInt32BigEndian(src[(4 * i)..]) : BinaryPrimitives.ReadInt32LittleEndian(src[(4 * i)..]);
                break;
            case (NpyKind.UInt, 4):
                for (int i = 0; i < dst.Length; i++)
                    dst[i] = big ? BinaryPrimitives.ReadUInt32BigEndian(src[(4 * i)..]) : BinaryPrimitives.ReadUInt32LittleEndian(src[(4 * i)..]);
                break;
            case (NpyKind.Float, 4):
                for (int i = 0; i < dst.Length; i++)
                    dst[i] = big ? BinaryPrimitives.ReadSingleBigEndian(src[(4 * i)..]) : BinaryPrimitives.ReadSingleLittleEndian(src[(4 * i)..]);
                break;
            case (NpyKind.Int, 8):
                for (int i = 0; i < dst.Length; i++)
                    dst[i] = big ? BinaryPrimitives.ReadInt64BigEndian(src[(8 * i)..]) : BinaryPrimitives.ReadInt64LittleEndian(src[(8 * i)..]);
                break;
            case (NpyKind.UInt, 8):
                for (int i = 0; i < dst.Length; i++)
                    dst[i] = big ? BinaryPrimitives.ReadUInt64BigEndian(src[(8 * i)..]) : BinaryPrimitives.ReadUInt64LittleEndian(src[(8 * i)..]);
                break;
            case (NpyKind.Float, 8):
                for (int i = 0; i < dst.Length; i++)
                    dst[i] = (float)(big ? BinaryPrimitives.ReadDoubleBigEndian(src[(8 * i)..]) : BinaryPrimitives.ReadDoubleLittleEndian(src[(8 * i)..]));
                break;
            default:
                throw new InvalidOperationException($"NPY: no conversion for {h.Kind}{h.ItemSize}.");
        }
    }
}
