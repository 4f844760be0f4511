using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Fovea.IO;

/// <summary>
/// Fovea's checkpoint file: named float32 tensors plus caller-defined JSON metadata (model name, config, epoch,
/// metrics, RNG state...), in the binary layout documented in <c>docs/checkpoint-format.md</c>: magic
/// <c>FOVEACKP</c>, format version, JSON, a tensor table, 64-byte-aligned little-endian float32 blocks and a trailing
/// CRC-32 over everything before it.
/// <para>Saving writes a temporary file in the target's folder, flushes it to disk and renames it over the target, so
/// a failure leaves an existing checkpoint intact. Loading runs no code: it checks the magic, the version and the
/// checksum, then bounds-checks every length, rank, dimension and offset against the file's size before allocating;
/// any problem is a <see cref="FoveaFormatException"/> naming the file.</para>
/// </summary>
public static class Checkpoint
{
    /// <summary>The format version this build writes and the newest it reads.</summary>
    public const uint FormatVersion = 1;
    /// <summary>Largest tensor rank accepted.</summary>
    public const int MaxRank = 64;
    /// <summary>Largest tensor name accepted, in UTF-8 bytes.</summary>
    public const int MaxNameBytes = 65536;
    /// <summary>Alignment of each tensor's data block, in bytes from the start of the file.</summary>
    public const int Alignment = 64;

    static ReadOnlySpan<byte> Magic => "FOVEACKP"u8;
    const int MinLength = 8 + 4 + 4 + 4 + 4; // magic, version, metadata length, tensor count, CRC
    static readonly UTF8Encoding StrictUtf8 = new(false, true);

    // ---------------------------------------------------------------- saving

    /// <summary>
    /// Writes a checkpoint to <paramref name="path"/> atomically: a temporary file in the same folder, flushed to disk,
    /// then renamed over <paramref name="path"/>. On failure the temporary file is deleted and an existing file is kept.
    /// </summary>
    /// <param name="path">Target file.</param>
    /// <param name="tensors">Names (non-empty, unique) and tensors, stored in this order.</param>
    /// <param name="metadata">Any JSON object (epoch, metrics, config, RNG state as base64...); null stores <c>{}</c>.</param>
    public static void Save(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors, JsonObject? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        var list = Validate(tensors);
        AtomicFile.Write(path, fs => WriteCore(fs, list, metadata));
    }

    /// <summary>Writes a checkpoint into <paramref name="stream"/> at its current position (offsets count from there).</summary>
    public static void Write(Stream stream, IEnumerable<KeyValuePair<string, Tensor>> tensors, JsonObject? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        WriteCore(stream, Validate(tensors), metadata);
    }

    static List<(byte[] Name, Tensor Tensor)> Validate(IEnumerable<KeyValuePair<string, Tensor>> tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var list = new List<(byte[], Tensor)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, t) in tensors)
        {
            if (string.IsNullOrEmpty(name)) throw new ArgumentException("Checkpoint.Save: a tensor name is empty.", nameof(tensors));
            if (!seen.Add(name)) throw new ArgumentException($"Checkpoint.Save: tensor name '{name}' appears twice.", nameof(tensors));
            if (t is null) throw new ArgumentException($"Checkpoint.Save: tensor '{name}' is null.", nameof(tensors));
            if (t.Rank > MaxRank) throw new ArgumentException($"Checkpoint.Save: tensor '{name}' has rank {t.Rank}, above {MaxRank}.", nameof(tensors));
            byte[] bytes;
            try { bytes = StrictUtf8.GetBytes(name); }
            catch (EncoderFallbackException e) { throw new ArgumentException($"Checkpoint.Save: tensor name '{name}' is not valid Unicode.", nameof(tensors), e); }
            if (bytes.Length > MaxNameBytes) throw new ArgumentException($"Checkpoint.Save: tensor name '{name[..40]}...' is longer than {MaxNameBytes} UTF-8 bytes.", nameof(tensors));
            list.Add((bytes, t));
        }
        return list;
    }

    static long Align(long x) => (x + Alignment - 1) / Alignment * Alignment;

    static void WriteCore(Stream stream, List<(byte[] Name, Tensor Tensor)> list, JsonObject? metadata)
    {
        byte[] json = Encoding.UTF8.GetBytes(metadata?.ToJsonString() ?? "{}");
        long pos = 16 + json.Length + 4;
        foreach (var (name, t) in list) pos += 4 + name.Length + 4 + 4L * t.Rank + 16;

        var head = new MemoryStream((int)pos);
        var b8 = new byte[8];
        void U32(uint v) { BinaryPrimitives.WriteUInt32LittleEndian(b8, v); head.Write(b8, 0, 4); }
        void U64(ulong v) { BinaryPrimitives.WriteUInt64LittleEndian(b8, v); head.Write(b8); }

        head.Write(Magic);
        U32(FormatVersion);
        U32((uint)json.Length);
        head.Write(json);
        U32((uint)list.Count);
        var offsets = new long[list.Count];
        long cursor = pos;
        for (int i = 0; i < list.Count; i++)
        {
            var (name, t) = list[i];
            long bytes = 4L * t.Numel;
            offsets[i] = Align(cursor);
            cursor = offsets[i] + bytes;
            U32((uint)name.Length);
            head.Write(name);
            U32((uint)t.Rank);
            foreach (int d in t.Shape.Dims) U32((uint)d);
            U64((ulong)offsets[i]);
            U64((ulong)bytes);
        }

        var crc = new CrcStream(stream);
        crc.Write(head.GetBuffer().AsSpan(0, (int)head.Length));
        long written = head.Length;
        Span<byte> zeros = stackalloc byte[Alignment];
        zeros.Clear();
        for (int i = 0; i < list.Count; i++)
        {
            crc.Write(zeros[..(int)(offsets[i] - written)]);
            Npy.WriteFloatsLE(crc, list[i].Tensor);
            written = offsets[i] + 4L * list[i].Tensor.Numel;
        }
        BinaryPrimitives.WriteUInt32LittleEndian(b8, crc.Crc);
        stream.Write(b8, 0, 4);
    }

    /// <summary>A write-only pass-through that keeps the CRC-32 of what went through it.</summary>
    sealed class CrcStream(Stream inner) : Stream
    {
        public uint Crc { get; private set; }
        public override void Write(ReadOnlySpan<byte> buffer)
        {
            Crc = Crc32.Append(Crc, buffer);
            inner.Write(buffer);
        }
        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }

    // ---------------------------------------------------------------- loading

    /// <summary>Reads the checkpoint at <paramref name="path"/>.</summary>
    public static CheckpointData Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        return ReadCore(fs, $"checkpoint '{path}'");
    }

    /// <summary>Reads a checkpoint from a seekable stream, starting at its current position and running to its end.</summary>
    public static CheckpointData Read(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanSeek || !stream.CanRead) throw new ArgumentException("Checkpoint.Read needs a readable, seekable stream.", nameof(stream));
        return ReadCore(stream, stream is FileStream fs ? $"checkpoint '{fs.Name}'" : "checkpoint stream");
    }

    static CheckpointData ReadCore(Stream s, string what)
    {
        long start = s.Position;
        long length = s.Length - start;
        Span<byte> b8 = stackalloc byte[8];

        // 1. magic and version, before anything else, so that other files and newer formats get a clear message
        if (length < 8 || ReadUpTo(s, b8) < 8 || !b8.SequenceEqual(Magic))
            throw new FoveaFormatException($"{what} is not a Fovea checkpoint (it does not start with \"FOVEACKP\").");
        if (length < 12 || ReadUpTo(s, b8[..4]) < 4)
            throw new FoveaFormatException($"{what} is truncated ({length} bytes): it ends inside the format version.");
        uint version = BinaryPrimitives.ReadUInt32LittleEndian(b8);
        if (version > FormatVersion)
            throw new FoveaFormatException($"{what} was written by a newer Fovea (format v{version}); this build reads v{FormatVersion}.");
        if (version == 0)
            throw new FoveaFormatException($"{what} is corrupt: format version 0 does not exist.");
        if (length < MinLength)
            throw new FoveaFormatException($"{what} is truncated ({length} bytes; a checkpoint has at least {MinLength}).");

        // 2. the checksum over everything before the last four bytes
        long body = length - 4;
        s.Position = start;
        uint computed = 0;
        var buf = new byte[(int)Math.Min(body, 1 << 20)];
        for (long done = 0; done < body;)
        {
            int n = (int)Math.Min(buf.Length, body - done);
            if (ReadUpTo(s, buf.AsSpan(0, n)) < n) throw Truncated(what, length);
            computed = Crc32.Append(computed, buf.AsSpan(0, n));
            done += n;
        }
        if (ReadUpTo(s, b8[..4]) < 4) throw Truncated(what, length);
        uint stored = BinaryPrimitives.ReadUInt32LittleEndian(b8);
        if (stored != computed)
            throw new FoveaFormatException($"{what} is corrupt: checksum mismatch (stored 0x{stored:X8}, computed 0x{computed:X8}).");

        // 3. metadata and tensor table, every field checked against the bytes that remain before the checksum
        s.Position = start + 12;
        var r = new Reader(s, what, 12, body);
        uint jsonLen = r.U32("metadata length");
        r.Need(jsonLen, "metadata");
        var jsonBytes = new byte[jsonLen];
        r.Bytes(jsonBytes, "metadata");
        JsonObject metadata;
        try
        {
            string text = StrictUtf8.GetString(jsonBytes);
            metadata = JsonNode.Parse(text) as JsonObject
                ?? throw new FoveaFormatException($"{what} is corrupt: the metadata is not a JSON object.");
        }
        catch (DecoderFallbackException e) { throw new FoveaFormatException($"{what} is corrupt: the metadata is not valid UTF-8.", e); }
        catch (JsonException e) { throw new FoveaFormatException($"{what} is corrupt: the metadata is not valid JSON ({e.Message}).", e); }

        uint count = r.U32("tensor count");
        const int MinEntry = 4 + 1 + 4 + 8 + 8;
        if (count > (body - r.Pos) / MinEntry)
            throw new FoveaFormatException($"{what} is corrupt: tensor count {count} cannot fit in the file.");
        var entries = new (string Name, int[] Dims, long Offset, long Bytes)[count];
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < count; i++)
        {
            string where = $"tensor {i}";
            uint nameLen = r.U32($"{where} name length");
            if (nameLen == 0 || nameLen > MaxNameBytes)
                throw new FoveaFormatException($"{what} is corrupt: {where} has a name of {nameLen} bytes (allowed 1..{MaxNameBytes}).");
            r.Need(nameLen, $"{where} name");
            var nb = new byte[nameLen];
            r.Bytes(nb, $"{where} name");
            string name;
            try { name = StrictUtf8.GetString(nb); }
            catch (DecoderFallbackException e) { throw new FoveaFormatException($"{what} is corrupt: {where} name is not valid UTF-8.", e); }
            where = $"tensor {i} ('{name}')";
            if (!names.Add(name)) throw new FoveaFormatException($"{what} is corrupt: tensor name '{name}' appears twice.");
            uint rank = r.U32($"{where} rank");
            if (rank > MaxRank) throw new FoveaFormatException($"{what} is corrupt: {where} has rank {rank}, above {MaxRank}.");
            r.Need(4L * rank, $"{where} dimensions");
            var dims = new int[rank];
            for (int k = 0; k < rank; k++)
            {
                uint d = r.U32($"{where} dimension");
                if (d > int.MaxValue) throw new FoveaFormatException($"{what} is corrupt: {where} dimension {k} is {d}.");
                dims[k] = (int)d;
            }
            int numel = NpyHeader.CheckedNumel(dims, $"{what} is corrupt: {where}");
            ulong off = r.U64($"{where} data offset");
            ulong len = r.U64($"{where} byte length");
            if (len != 4UL * (ulong)numel)
                throw new FoveaFormatException($"{what} is corrupt: {where} of shape {Shape.Format(dims)} declares {len} data bytes, expected {4L * numel}.");
            if (off > (ulong)body || len > (ulong)body - off)
                throw new FoveaFormatException($"{what} is corrupt: {where} data (offset {off}, {len} bytes) lies outside the file ({length} bytes).");
            entries[i] = (name, dims, (long)off, (long)len);
        }
        long prevEnd = r.Pos;
        foreach (var (name, _, off, len) in entries)
        {
            if (off % Alignment != 0)
                throw new FoveaFormatException($"{what} is corrupt: tensor '{name}' data offset {off} is not a multiple of {Alignment}.");
            if (off < prevEnd)
                throw new FoveaFormatException($"{what} is corrupt: tensor '{name}' data (offset {off}) overlaps the table or the previous tensor (ends at {prevEnd}).");
            prevEnd = off + len;
        }

        // 4. the data: every block lies inside the file, so allocations total at most the file's size
        var tensors = new OrderedDictionary<string, Tensor>(entries.Length, StringComparer.Ordinal);
        foreach (var (name, dims, off, len) in entries)
        {
            var data = new float[len / 4];
            s.Position = start + off;
            if (ReadUpTo(s, MemoryMarshal.AsBytes(data.AsSpan())) < len) throw Truncated(what, length);
            if (!BitConverter.IsLittleEndian)
            {
                var u = MemoryMarshal.Cast<float, uint>(data.AsSpan());
                BinaryPrimitives.ReverseEndianness(u, u);
            }
            tensors.Add(name, new Tensor(data, Shape.Own(dims)));
        }
        return new CheckpointData(tensors, metadata);
    }

    static FoveaFormatException Truncated(string what, long length)
        => new($"{what} is truncated or changed while being read ({length} bytes).");

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

    /// <summary>Sequential little-endian reads that never pass <c>limit</c> (the checksum's position).</summary>
    sealed class Reader(Stream s, string what, long pos, long limit)
    {
        readonly byte[] _b = new byte[8];
        public long Pos { get; private set; } = pos;

        public void Need(long n, string field)
        {
            if (n > limit - Pos)
                throw new FoveaFormatException($"{what} is corrupt: the {field} ({n} bytes at offset {Pos}) runs past the end of the data ({limit}).");
        }

        public void Bytes(Span<byte> dst, string field)
        {
            Need(dst.Length, field);
            if (ReadUpTo(s, dst) < dst.Length) throw new FoveaFormatException($"{what} is truncated inside the {field}.");
            Pos += dst.Length;
        }

        public uint U32(string field)
        {
            Bytes(_b.AsSpan(0, 4), field);
            return BinaryPrimitives.ReadUInt32LittleEndian(_b);
        }

        public ulong U64(string field)
        {
            Bytes(_b.AsSpan(0, 8), field);
            return BinaryPrimitives.ReadUInt64LittleEndian(_b);
        }
    }
}
