using System.Buffers.Binary;

namespace Fovea.IO;

/// <summary>
/// CRC-32 as in zlib, PNG and ZIP (IEEE 802.3, reflected polynomial 0xEDB88320, initial value and final XOR
/// 0xFFFFFFFF), slice-by-8. <c>Append(0, "123456789")</c> is 0xCBF43926, the same as Python's <c>zlib.crc32</c>.
/// </summary>
internal static class Crc32
{
    static readonly uint[] Table = BuildTable();

    static uint[] BuildTable()
    {
        var t = new uint[8 * 256];
        for (uint i = 0; i < 256; i++)
        {
            uint c = i;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            t[i] = c;
        }
        for (int s = 1; s < 8; s++)
            for (int i = 0; i < 256; i++)
            {
                uint prev = t[(s - 1) * 256 + i];
                t[s * 256 + i] = (prev >> 8) ^ t[prev & 0xFF];
            }
        return t;
    }

    /// <summary>The CRC of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => Append(0, data);

    /// <summary>The CRC of the bytes that gave <paramref name="crc"/> followed by <paramref name="data"/> (zlib's <c>crc32(crc, data)</c>).</summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        uint c = ~crc;
        var t = Table.AsSpan();
        int i = 0;
        for (; i + 8 <= data.Length; i += 8)
        {
            uint a = BinaryPrimitives.ReadUInt32LittleEndian(data[i..]) ^ c;
            uint b = BinaryPrimitives.ReadUInt32LittleEndian(data[(i + 4)..]);
            c = t[7 * 256 + (int)(a & 0xFF)] ^ t[6 * 256 + (int)((a >> 8) & 0xFF)]
              ^ t[5 * 256 + (int)((a >> 16) & 0xFF)] ^ t[4 * 256 + (int)(a >> 24)]
              ^ t[3 * 256 + (int)(b & 0xFF)] ^ t[2 * 256 + (int)((b >> 8) & 0xFF)]
              ^ t[1 * 256 + (int)((b >> 16) & 0xFF)] ^ t[(int)(b >> 24)];
        }
        for (; i < data.Length; i++) c = t[(int)((c ^ data[i]) & 0xFF)] ^ (c >> 8);
        return ~c;
    }
}
