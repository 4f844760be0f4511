using System.Buffers.Binary;
using System.IO.Compression;

namespace Fovea.Data;

/// <summary>
/// Reads and writes IDX files (the MNIST format: two zero bytes, a type code, the rank, big-endian uint32 sizes,
/// then the big-endian values), gzipped or not (told apart by the gzip magic, not the name). Every header is checked
/// against the data actually present before anything large is allocated, so a hostile or truncated file gives a
/// <see cref="FoveaFormatException"/> naming it rather than an out-of-memory.
/// </summary>
public static class Idx
{
    /// <summary>Type codes of the IDX format.</summary>
    public enum DataType : byte { UByte = 0x08, SByte = 0x09, Int16 = 0x0B, Int32 = 0x0C, Float32 = 0x0D, Float64 = 0x0E }

    /// <summary>Most dimensions accepted in a header.</summary>
    public const int MaxRank = 8;

    /// <summary>Reads an IDX file of any type as a float tensor with the file's dimensions (values as stored, not scaled).</summary>
    public static Tensor Read(string path)
    {
        var (type, dims, data) = ReadRaw(path);
        int n = Shape.CheckedNumel(dims);
        var v = new float[n];
        switch (type)
        {
            case DataType.UByte: for (int i = 0; i < n; i++) v[i] = data[i]; break;
            case DataType.SByte: for (int i = 0; i < n; i++) v[i] = (sbyte)data[i]; break;
            case DataType.Int16: for (int i = 0; i < n; i++) v[i] = BinaryPrimitives.ReadInt16BigEndian(data.AsSpan(2 * i)); break;
            case DataType.Int32: for (int i = 0; i < n; i++) v[i] = BinaryPrimitives.ReadInt32BigEndian(data.AsSpan(4 * i)); break;
            case DataType.Float32: for (int i = 0; i < n; i++) v[i] = BinaryPrimitives.ReadSingleBigEndian(data.AsSpan(4 * i)); break;
            case DataType.Float64: for (int i = 0; i < n; i++) v[i] = (float)BinaryPrimitives.ReadDoubleBigEndian(data.AsSpan(8 * i)); break;
        }
        return Tensor.Wrap(v, dims);
    }

    /// <summary>Reads an unsigned-byte IDX file: its bytes (row-major) and dimensions.</summary>
    public static byte[] ReadBytes(string path, out int[] dims)
    {
        var (type, d, data) = ReadRaw(path);
        if (type != DataType.UByte)
            throw new FoveaFormatException($"IDX file '{path}': expected unsigned bytes (type 0x08), found {type} (0x{(byte)type:X2}).");
        dims = d;
        return data;
    }

    /// <summary>Reads any IDX file: its type, dimensions and the raw big-endian payload.</summary>
    public static (DataType Type, int[] Dims, byte[] Data) ReadRaw(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var file = File.OpenRead(path);
        return ReadRaw(file, path);
    }

    /// <summary>Reads an IDX stream (gzipped or not); <paramref name="name"/> appears in error messages.</summary>
    public static (DataType Type, int[] Dims, byte[] Data) ReadRaw(Stream stream, string name)
    {
        ArgumentNullException.ThrowIfNull(stream);
        try
        {
            Span<byte> magic = stackalloc byte[2];
            bool gz;
            long rawLength = -1;
            if (stream.CanSeek)
            {
                int got = stream.ReadAtLeast(magic, 2, throwOnEndOfStream: false);
                gz = got == 2 && magic[0] == 0x1F && magic[1] == 0x8B;
                stream.Seek(-got, SeekOrigin.Current);
                if (!gz) rawLength = stream.Length - stream.Position;
            }
            else
            {
                var buffered = new BufferedStream(stream);
                int got = buffered.ReadAtLeast(magic, 2, throwOnEndOfStream: false);
                // A non-seekable stream cannot be rewound: re-prepend the two bytes.
                stream = new PrefixStream(magic[..got].ToArray(), buffered);
                gz = got == 2 && magic[0] == 0x1F && magic[1] == 0x8B;
            }
            if (gz)
            {
                using var z = new GZipStream(stream, CompressionMode.Decompress, leaveOpen: true);
                return Parse(z, name, -1);
            }
            return Parse(stream, name, rawLength);
        }
        catch (InvalidDataException e)
        {
            throw new FoveaFormatException($"IDX file '{name}': corrupt gzip data ({e.Message}).", e);
        }
    }

    static (DataType, int[], byte[]) Parse(Stream s, string name, long available)
    {
        Span<byte> head = stackalloc byte[4];
        if (s.ReadAtLeast(head, 4, throwOnEndOfStream: false) < 4)
            throw new FoveaFormatException($"IDX file '{name}': too short for the 4-byte header.");
        if (head[0] != 0 || head[1] != 0)
            throw new FoveaFormatException($"IDX file '{name}': bad magic {head[0]:X2} {head[1]:X2} (expected 00 00).");
        var type = (DataType)head[2];
        int size = ElementSize(type);
        if (size == 0)
            throw new FoveaFormatException($"IDX file '{name}': unknown type code 0x{head[2]:X2} (expected 08, 09, 0B, 0C, 0D or 0E).");
        int rank = head[3];
        if (rank < 1 || rank > MaxRank)
            throw new FoveaFormatException($"IDX file '{name}': rank {rank} is outside 1..{MaxRank}.");
        Span<byte> dimBytes = stackalloc byte[4 * MaxRank];
        if (s.ReadAtLeast(dimBytes[..(4 * rank)], 4 * rank, throwOnEndOfStream: false) < 4 * rank)
            throw new FoveaFormatException($"IDX file '{name}': truncated inside the {rank} dimension sizes.");
        var dims = new int[rank];
        long bytes = size;
        for (int i = 0; i < rank; i++)
        {
            uint d = BinaryPrimitives.ReadUInt32BigEndian(dimBytes[(4 * i)..]);
            if (d > int.MaxValue) throw new FoveaFormatException($"IDX file '{name}': dimension {i} has size {d}, too large.");
            dims[i] = (int)d;
            bytes *= d;
            if (bytes > Array.MaxLength)
                throw new FoveaFormatException($"IDX file '{name}': dimensions [{string.Join(",", dims[..(i + 1)])}...] need more than {Array.MaxLength} bytes.");
        }
        if (available >= 0)
        {
            long payload = available - 4 - 4L * rank;
            if (payload != bytes)
                throw new FoveaFormatException($"IDX file '{name}': header [{string.Join(",", dims)}] of {type} needs {bytes} data bytes, the file has {payload}.");
            var exact = new byte[bytes];
            s.ReadExactly(exact);
            return (type, dims, exact);
        }
        // Compressed or unknown length: grow with the data actually read, never trusting the header's size.
        var buf = new byte[(int)Math.Min(bytes, 1 << 20)];
        int have = 0;
        while (have < bytes)
        {
            if (have == buf.Length) Array.Resize(ref buf, (int)Math.Min(bytes, (long)buf.Length * 2));
            int r = s.Read(buf, have, buf.Length - have);
            if (r == 0)
                throw new FoveaFormatException($"IDX file '{name}': header [{string.Join(",", dims)}] of {type} needs {bytes} data bytes, the file has {have}.");
            have += r;
        }
        Span<byte> one = stackalloc byte[1];
        if (s.Read(one) != 0)
            throw new FoveaFormatException($"IDX file '{name}': data continues past the {bytes} bytes its header [{string.Join(",", dims)}] describes.");
        return (type, dims, buf);
    }

    static int ElementSize(DataType t) => t switch
    {
        DataType.UByte or DataType.SByte => 1,
        DataType.Int16 => 2,
        DataType.Int32 or DataType.Float32 => 4,
        DataType.Float64 => 8,
        _ => 0,
    };

    /// <summary>Writes unsigned bytes with the given dimensions; gzipped when the name ends in ".gz".</summary>
    public static void Write(string path, ReadOnlySpan<byte> data, int[] dims)
    {
        long n = CheckDims(dims);
        if (n != data.Length) throw new ShapeMismatchException($"Idx.Write: {data.Length} bytes do not fill dimensions [{string.Join(",", dims)}].");
        WriteFile(path, DataType.UByte, dims, data);
    }

    /// <summary>Writes a tensor as big-endian float32 (type 0x0D); gzipped when the name ends in ".gz".</summary>
    public static void Write(string path, Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        int[] dims = tensor.Shape;
        CheckDims(dims);
        var v = tensor.ToArray();
        var bytes = new byte[4L * v.Length];
        for (int i = 0; i < v.Length; i++) BinaryPrimitives.WriteSingleBigEndian(bytes.AsSpan(4 * i), v[i]);
        WriteFile(path, DataType.Float32, dims, bytes);
    }

    static long CheckDims(int[] dims)
    {
        ArgumentNullException.ThrowIfNull(dims);
        if (dims.Length < 1 || dims.Length > MaxRank) throw new ArgumentException($"Idx.Write: rank {dims.Length} is outside 1..{MaxRank}.");
        long n = 1;
        foreach (int d in dims)
        {
            if (d < 0) throw new ArgumentException($"Idx.Write: negative size in [{string.Join(",", dims)}].");
            n *= d;
        }
        return n;
    }

    static void WriteFile(string path, DataType type, int[] dims, ReadOnlySpan<byte> data)
    {
        ArgumentNullException.ThrowIfNull(path);
        var head = new byte[4 + 4 * dims.Length];
        head[2] = (byte)type;
        head[3] = (byte)dims.Length;
        for (int i = 0; i < dims.Length; i++) BinaryPrimitives.WriteInt32BigEndian(head.AsSpan(4 + 4 * i), dims[i]);
        string tmp = path + ".tmp";
        using (var file = File.Create(tmp))
        {
            if (path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase))
            {
                using var z = new GZipStream(file, CompressionLevel.Optimal);
                z.Write(head);
                z.Write(data);
            }
            else
            {
                file.Write(head);
                file.Write(data);
            }
        }
        File.Move(tmp, path, overwrite: true);
    }

    /// <summary>A read-only stream that yields some bytes already read, then the rest of an inner stream.</summary>
    sealed class PrefixStream(byte[] prefix, Stream inner) : Stream
    {
        int _pos;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
        public override int Read(Span<byte> buffer)
        {
            if (_pos < prefix.Length)
            {
                int n = Math.Min(buffer.Length, prefix.Length - _pos);
                prefix.AsSpan(_pos, n).CopyTo(buffer);
                _pos += n;
                return n;
            }
            return inner.Read(buffer);
        }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
