using System.Buffers.Binary;

namespace Fovea.Data;

/// <summary>
/// Where a <see cref="DataLoader"/> stands, for exact resumption: the epoch, the batches of it already handed out,
/// and the loader generator's state at the start of that epoch (from which the epoch's order and augmentation are
/// redrawn). <see cref="DatasetCount"/> and <see cref="BatchSize"/> guard against restoring into another loader.
/// </summary>
public sealed record DataLoaderState(int Epoch, int Position, byte[] GeneratorState, int DatasetCount, int BatchSize)
{
    const uint Magic = 0x534C4446; // "FDLS"

    /// <summary>A small binary form (little-endian), for checkpoints.</summary>
    public byte[] ToBytes()
    {
        var b = new byte[24 + GeneratorState.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(b, Magic);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(4), Epoch);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(8), Position);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(12), DatasetCount);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(16), BatchSize);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(20), GeneratorState.Length);
        GeneratorState.CopyTo(b, 24);
        return b;
    }

    /// <summary>Reads <see cref="ToBytes"/>'s form; throws <see cref="FoveaFormatException"/> on anything else.</summary>
    public static DataLoaderState FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 24 || BinaryPrimitives.ReadUInt32LittleEndian(bytes) != Magic)
            throw new FoveaFormatException($"DataLoaderState: {bytes.Length} bytes are not a saved loader state (bad magic or too short).");
        int len = BinaryPrimitives.ReadInt32LittleEndian(bytes[20..]);
        if (len != bytes.Length - 24)
            throw new FoveaFormatException($"DataLoaderState: generator state of {len} bytes does not match the {bytes.Length - 24} bytes present.");
        return new DataLoaderState(
            BinaryPrimitives.ReadInt32LittleEndian(bytes[4..]),
            BinaryPrimitives.ReadInt32LittleEndian(bytes[8..]),
            bytes[24..].ToArray(),
            BinaryPrimitives.ReadInt32LittleEndian(bytes[12..]),
            BinaryPrimitives.ReadInt32LittleEndian(bytes[16..]));
    }
}
