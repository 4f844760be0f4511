using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Fovea.Data;

/// <summary>
/// A small, strict reader of NumPy <c>.npy</c> arrays (format versions 1-3, C order, numeric dtypes) for
/// <see cref="NpzDataset"/>. Every size in the header is checked against the bytes available before allocating.
/// </summary>
internal static class NpyReader
{
    internal sealed record Array(int[] Shape, char Kind, int ItemSize, bool BigEndian, byte[] Data)
    {
        public long Count => Data.LongLength / ItemSize;

        public float[] ToFloat(string name)
        {
            var v = new float[Count];
            for (int i = 0; i < v.Length; i++) v[i] = (float)Get(i, name);
            return v;
        }

        public double Get(int i, string name)
        {
            var s = Data.AsSpan(i * ItemSize, ItemSize);
            return (Kind, ItemSize) switch
            {
                ('u', 1) => s[0],
                ('b', 1) => s[0],
                ('i', 1) => (sbyte)s[0],
                ('u', 2) => BigEndian ? BinaryPrimitives.ReadUInt16BigEndian(s) : BinaryPrimitives.ReadUInt16LittleEndian(s),
                ('i', 2) => BigEndian ? BinaryPrimitives.ReadInt16BigEndian(s) : BinaryPrimitives.ReadInt16LittleEndian(s),
                ('u', 4) => BigEndian ? BinaryPrimitives.ReadUInt32BigEndian(s) : BinaryPrimitives.ReadUInt32LittleEndian(s),
                ('i', 4) => BigEndian ? BinaryPrimitives.ReadInt32BigEndian(s) : BinaryPrimitives.ReadInt32LittleEndian(s),
                ('u', 8) => BigEndian ? BinaryPrimitives.ReadUInt64BigEndian(s) : BinaryPrimitives.ReadUInt64LittleEndian(s),
                ('i', 8) => BigEndian ? BinaryPrimitives.ReadInt64BigEndian(s) : BinaryPrimitives.ReadInt64LittleEndian(s),
                ('f', 2) => (double)(BigEndian ? BinaryPrimitives.ReadHalfBigEndian(s) : BinaryPrimitives.ReadHalfLittleEndian(s)),
                ('f', 4) => BigEndian ? BinaryPrimitives.ReadSingleBigEndian(s) : BinaryPrimitives.ReadSingleLittleEndian(s),
                ('f', 8) => BigEndian ? BinaryPrimitives.ReadDoubleBigEndian(s) : BinaryPrimitives.ReadDoubleLittleEndian(s),
                _ => throw new FoveaFormatException($"NPY array '{name}': unsupported dtype {Kind}{ItemSize}."),
            };
        }
    }

    const int MaxHeader = 1 << 16;

    /// <summary>Reads one array; <paramref name="length"/> is the stream's byte count when known (else -1).</summary>
    public static Array Read(Stream s, long length, string name)
    {
        Span<byte> pre = stackalloc byte[12];
        if (s.ReadAtLeast(pre[..8], 8, throwOnEndOfStream: false) < 8 || pre[0] != 0x93 || !pre.Slice(1, 5).SequenceEqual("NUMPY"u8))
            throw new FoveaFormatException($"NPY array '{name}': not an .npy array (bad magic).");
        int major = pre[6];
        long headerLen;
        int prefix;
        if (major == 1)
        {
            if (s.ReadAtLeast(pre.Slice(8, 2), 2, throwOnEndOfStream: false) < 2) throw new FoveaFormatException($"NPY array '{name}': truncated header.");
            headerLen = BinaryPrimitives.ReadUInt16LittleEndian(pre[8..]);
            prefix = 10;
        }
        else if (major is 2 or 3)
        {
            if (s.ReadAtLeast(pre.Slice(8, 4), 4, throwOnEndOfStream: false) < 4) throw new FoveaFormatException($"NPY array '{name}': truncated header.");
            headerLen = BinaryPrimitives.ReadUInt32LittleEndian(pre[8..]);
            prefix = 12;
        }
        else throw new FoveaFormatException($"NPY array '{name}': unsupported format version {major}.{pre[7]}.");
        if (headerLen > MaxHeader || (length >= 0 && prefix + headerLen > length))
            throw new FoveaFormatException($"NPY array '{name}': header length {headerLen} is implausible.");
        var hb = new byte[headerLen];
        if (s.ReadAtLeast(hb, hb.Length, throwOnEndOfStream: false) < hb.Length) throw new FoveaFormatException($"NPY array '{name}': truncated header.");
        string header = Encoding.Latin1.GetString(hb);

        string descr = Field(header, "descr", name).Trim().Trim('\'', '"');
        string fortran = Field(header, "fortran_order", name).Trim();
        string shapeText = Field(header, "shape", name).Trim();
        if (fortran != "False") throw new FoveaFormatException($"NPY array '{name}': Fortran-order arrays are not supported (save with np.ascontiguousarray).");
        if (descr.Length < 3 || "<>|=".IndexOf(descr[0]) < 0 || "uifb".IndexOf(descr[1]) < 0
            || !int.TryParse(descr.AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture, out int item) || item is not (1 or 2 or 4 or 8))
            throw new FoveaFormatException($"NPY array '{name}': unsupported dtype '{descr}'.");
        bool big = descr[0] == '>';

        if (!shapeText.StartsWith('(') || !shapeText.EndsWith(')')) throw new FoveaFormatException($"NPY array '{name}': bad shape '{shapeText}'.");
        var parts = shapeText[1..^1].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length > 8) throw new FoveaFormatException($"NPY array '{name}': rank {parts.Length} is too large.");
        var shape = new int[parts.Length];
        long bytes = item;
        for (int i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out shape[i]))
                throw new FoveaFormatException($"NPY array '{name}': bad shape '{shapeText}'.");
            bytes *= shape[i];
            if (bytes > System.Array.MaxLength) throw new FoveaFormatException($"NPY array '{name}': shape {shapeText} is too large.");
        }
        if (length >= 0 && length - prefix - headerLen != bytes)
            throw new FoveaFormatException($"NPY array '{name}': shape {shapeText} of {descr} needs {bytes} data bytes, found {length - prefix - headerLen}.");
        // Grow with the data actually read: a zip entry's declared length is not proof that the bytes exist.
        var data = new byte[Math.Min(bytes, 1 << 20)];
        int have = 0;
        while (have < bytes)
        {
            if (have == data.Length) System.Array.Resize(ref data, (int)Math.Min(bytes, 2L * data.Length));
            int r = s.Read(data, have, data.Length - have);
            if (r == 0) throw new FoveaFormatException($"NPY array '{name}': truncated data (needs {bytes} bytes, found {have}).");
            have += r;
        }
        return new Array(shape, descr[1], item, big && item > 1, data);
    }

    // The value of one key in the header's Python dict literal: up to the next top-level comma or the closing brace.
    static string Field(string header, string key, string name)
    {
        int k = header.IndexOf($"'{key}'", StringComparison.Ordinal);
        if (k < 0) k = header.IndexOf($"\"{key}\"", StringComparison.Ordinal);
        if (k < 0) throw new FoveaFormatException($"NPY array '{name}': header has no '{key}'.");
        int colon = header.IndexOf(':', k + key.Length + 2);
        if (colon < 0) throw new FoveaFormatException($"NPY array '{name}': bad header.");
        int depth = 0, i = colon + 1;
        for (; i < header.Length; i++)
        {
            char ch = header[i];
            if (ch == '(') depth++;
            else if (ch == ')') depth--;
            else if ((ch == ',' || ch == '}') && depth == 0) break;
        }
        return header[(colon + 1)..i];
    }
}
