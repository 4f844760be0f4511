using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Fovea.Onnx.Proto;
using Google.Protobuf;

namespace Fovea.Onnx;

/// <summary>
/// Converts between ONNX TensorProto and Fovea tensors. Fovea computes in float32 only: integer, boolean, double and
/// half tensors are read into float tensors (integers are exact up to 2^24 = 16,777,216 in magnitude; larger int64
/// values such as the INT64_MAX "to the end" marker of Slice are kept approximately and clamped where used). Every
/// declared size is checked against the data before anything is allocated.
/// </summary>
public static class OnnxTensors
{
    /// <summary>The largest tensor Fovea reads from a file: 2^31 − 1 elements (also bounded by the data present).</summary>
    public const long MaxElements = int.MaxValue;

    /// <summary>Bytes per element of an ONNX data type, or 0 for one Fovea cannot read.</summary>
    public static int ElementSize(int dataType) => dataType switch
    {
        (int)TensorProto.Types.DataType.Float => 4,
        (int)TensorProto.Types.DataType.Uint8 => 1,
        (int)TensorProto.Types.DataType.Int8 => 1,
        (int)TensorProto.Types.DataType.Uint16 => 2,
        (int)TensorProto.Types.DataType.Int16 => 2,
        (int)TensorProto.Types.DataType.Int32 => 4,
        (int)TensorProto.Types.DataType.Int64 => 8,
        (int)TensorProto.Types.DataType.Bool => 1,
        (int)TensorProto.Types.DataType.Float16 => 2,
        (int)TensorProto.Types.DataType.Double => 8,
        (int)TensorProto.Types.DataType.Uint32 => 4,
        (int)TensorProto.Types.DataType.Uint64 => 8,
        (int)TensorProto.Types.DataType.Bfloat16 => 2,
        _ => 0,
    };

    /// <summary>The ONNX name of a data type ("FLOAT", "INT64", ...).</summary>
    public static string TypeName(int dataType) =>
        Enum.IsDefined(typeof(TensorProto.Types.DataType), dataType) ? ((TensorProto.Types.DataType)dataType).ToString().ToUpperInvariant() : $"type {dataType}";

    /// <summary>True for the integer and boolean types (values are whole numbers).</summary>
    public static bool IsIntegral(int dataType) => dataType is 2 or 3 or 4 or 5 or 6 or 7 or 9 or 12 or 13;

    /// <summary>
    /// Reads a tensor. <paramref name="baseDir"/> is the model's folder (external data may only come from inside it;
    /// null when the model came from bytes). <paramref name="what"/> names the tensor in error messages.
    /// </summary>
    public static Tensor ToTensor(TensorProto t, string? baseDir, string what)
    {
        ArgumentNullException.ThrowIfNull(t);
        int dt = t.DataType;
        int es = ElementSize(dt);
        if (es == 0) throw new OnnxUnsupportedException($"{what}: data type {TypeName(dt)} is not supported (Fovea reads float, double, half, integer and bool tensors).");
        if (t.Segment is not null) throw new OnnxUnsupportedException($"{what}: segmented tensors are not supported.");
        var dims = new int[t.Dims.Count];
        long numel = 1;
        bool overflow = false;
        for (int i = 0; i < dims.Length; i++)
        {
            long d = t.Dims[i];
            if (d < 0) throw new FoveaFormatException($"{what}: dimension {i} is negative ({d}).");
            if (d > int.MaxValue) throw new FoveaFormatException($"{what}: dimension {i} is {d}, above Fovea's limit of {int.MaxValue}.");
            dims[i] = (int)d;
            if (!overflow && d != 0 && numel > long.MaxValue / d) overflow = true;
            numel = overflow ? long.MaxValue : numel * d;
        }
        string dimText = "[" + string.Join(",", t.Dims) + "]";
        // Where is the data, and how many elements does it hold? Checked before allocating anything.
        long have;
        ReadOnlySpan<byte> raw = default;
        byte[]? external = null;
        if (t.DataLocation == TensorProto.Types.DataLocation.External)
        {
            if (numel > MaxElements || overflow)
                throw new FoveaFormatException($"{what}: declares {(overflow ? "more than 2^63" : numel.ToString())} elements (dims {dimText}), above Fovea's limit of {MaxElements}.");
            external = ReadExternal(t, baseDir, what, numel * es);
            raw = external;
            have = external.Length / es;
        }
        else if (t.RawData.Length > 0 || NoTypedData(t))
        {
            raw = t.RawData.Span;
            if (raw.Length % es != 0)
                throw new FoveaFormatException($"{what}: raw_data holds {raw.Length} bytes, not a multiple of the {es}-byte {TypeName(dt)} element.");
            have = raw.Length / es;
        }
        else have = TypedCount(t, dt);
        if (overflow || have != numel)
            throw new FoveaFormatException($"{what}: dims {dimText} declare {(overflow ? "more than 2^63" : numel.ToString())} elements but its data holds {have}.");
        if (numel > MaxElements)
            throw new FoveaFormatException($"{what}: {numel} elements (dims {dimText}) exceed Fovea's limit of {MaxElements}.");
        var data = new float[numel];
        if (external is not null || t.RawData.Length > 0 || numel == 0) DecodeRaw(raw, dt, data);
        else DecodeTyped(t, dt, data);
        return Make(data, dims);
    }

    /// <summary>A tensor from data and dims; empty dims make a 0-D tensor (not Tensor.FromArray's 1-D default).</summary>
    public static Tensor Make(float[] data, int[] dims) => dims.Length == 0 ? Tensor.Scalar(data[0]) : Tensor.FromArray(data, dims);

    static bool NoTypedData(TensorProto t) =>
        t.FloatData.Count == 0 && t.Int32Data.Count == 0 && t.Int64Data.Count == 0 && t.DoubleData.Count == 0 && t.Uint64Data.Count == 0;

    static long TypedCount(TensorProto t, int dt) => dt switch
    {
        1 => t.FloatData.Count,
        2 or 3 or 4 or 5 or 6 or 9 or 10 or 16 => t.Int32Data.Count,
        7 => t.Int64Data.Count,
        11 => t.DoubleData.Count,
        12 or 13 => t.Uint64Data.Count,
        _ => 0,
    };

    static void DecodeTyped(TensorProto t, int dt, float[] data)
    {
        switch (dt)
        {
            case 1: t.FloatData.CopyTo(data, 0); break;
            case 7: for (int i = 0; i < data.Length; i++) data[i] = t.Int64Data[i]; break;
            case 11: for (int i = 0; i < data.Length; i++) data[i] = (float)t.DoubleData[i]; break;
            case 12 or 13: for (int i = 0; i < data.Length; i++) data[i] = t.Uint64Data[i]; break;
            case 10: for (int i = 0; i < data.Length; i++) data[i] = (float)BitConverter.UInt16BitsToHalf((ushort)t.Int32Data[i]); break;
            case 16: for (int i = 0; i < data.Length; i++) data[i] = BitConverter.Int32BitsToSingle(t.Int32Data[i] << 16); break;
            default: for (int i = 0; i < data.Length; i++) data[i] = t.Int32Data[i]; break;
        }
    }

    static void DecodeRaw(ReadOnlySpan<byte> raw, int dt, float[] data)
    {
        int n = data.Length;
        switch (dt)
        {
            case 1:
                if (BitConverter.IsLittleEndian) MemoryMarshal.Cast<byte, float>(raw).CopyTo(data);
                else for (int i = 0; i < n; i++) data[i] = BinaryPrimitives.ReadSingleLittleEndian(raw[(4 * i)..]);
                break;
            case 2: for (int i = 0; i < n; i++) data[i] = raw[i]; break;
            case 3: for (int i = 0; i < n; i++) data[i] = (sbyte)raw[i]; break;
            case 9: for (int i = 0; i < n; i++) data[i] = raw[i] != 0 ? 1f : 0f; break;
            case 4: for (int i = 0; i < n; i++) data[i] = BinaryPrimitives.ReadUInt16LittleEndian(raw[(2 * i)..]); break;
            case 5: for (int i = 0; i < n; i++) data[i] = BinaryPrimitives.ReadInt16LittleEndian(raw[(2 * i)..]); break;
            case 10: for (int i = 0; i < n; i++) data[i] = (float)BinaryPrimitives.ReadHalfLittleEndian(raw[(2 * i)..]); break;
            case 16: for (int i = 0; i < n; i++) data[i] = BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(raw[(2 * i)..]) << 16); break;
            case 6: for (int i = 0; i < n; i++) data[i] = BinaryPrimitives.ReadInt32LittleEndian(raw[(4 * i)..]); break;
            case 12: for (int i = 0; i < n; i++) data[i] = BinaryPrimitives.ReadUInt32LittleEndian(raw[(4 * i)..]); break;
            case 7: for (int i = 0; i < n; i++) data[i] = BinaryPrimitives.ReadInt64LittleEndian(raw[(8 * i)..]); break;
            case 13: for (int i = 0; i < n; i++) data[i] = BinaryPrimitives.ReadUInt64LittleEndian(raw[(8 * i)..]); break;
            case 11: for (int i = 0; i < n; i++) data[i] = (float)BinaryPrimitives.ReadDoubleLittleEndian(raw[(8 * i)..]); break;
            default: throw new OnnxUnsupportedException($"data type {TypeName(dt)} is not supported.");
        }
    }

    /// <summary>
    /// Reads external data: the location must be a relative path inside the model's folder (no "..", not rooted,
    /// no symbolic link leading out of the folder), and the file must hold offset + length bytes.
    /// </summary>
    static byte[] ReadExternal(TensorProto t, string? baseDir, string what, long expectBytes)
    {
        string? location = null;
        long offset = 0, length = -1;
        foreach (var kv in t.ExternalData)
        {
            switch (kv.Key)
            {
                case "location": location = kv.Value; break;
                case "offset":
                    if (!long.TryParse(kv.Value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out offset))
                        throw new FoveaFormatException($"{what}: external data offset '{kv.Value}' is not a non-negative integer.");
                    break;
                case "length":
                    if (!long.TryParse(kv.Value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out length))
                        throw new FoveaFormatException($"{what}: external data length '{kv.Value}' is not a non-negative integer.");
                    break;
            }
        }
        if (string.IsNullOrEmpty(location)) throw new FoveaFormatException($"{what}: external data without a location.");
        if (baseDir is null) throw new FoveaFormatException($"{what}: external data '{location}' needs the model's folder; load the model from a file path.");
        string path = ResolveInside(baseDir, location, what);
        if (length >= 0 && length != expectBytes)
            throw new FoveaFormatException($"{what}: external data length {length} bytes disagrees with its dims ({expectBytes} bytes).");
        var fi = new FileInfo(path);
        if (!fi.Exists) throw new FoveaFormatException($"{what}: external data file '{location}' does not exist in the model's folder.");
        if (offset > fi.Length || fi.Length - offset < expectBytes)
            throw new FoveaFormatException($"{what}: external data file '{location}' holds {fi.Length} bytes, too few for {expectBytes} bytes at offset {offset}.");
        var buf = new byte[expectBytes];
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        fs.Seek(offset, SeekOrigin.Begin);
        fs.ReadExactly(buf);
        return buf;
    }

    /// <summary>Resolves <paramref name="location"/> under <paramref name="baseDir"/>, refusing anything that leaves it.</summary>
    internal static string ResolveInside(string baseDir, string location, string what)
    {
        if (Path.IsPathRooted(location) || location.StartsWith('/') || location.StartsWith('\\') || location.Contains(':'))
            throw new FoveaFormatException($"{what}: external data location '{location}' is an absolute path; it must be relative to the model's folder.");
        var parts = location.Split('/', '\\');
        foreach (var p in parts)
            if (p == "..") throw new FoveaFormatException($"{what}: external data location '{location}' leaves the model's folder ('..').");
        string root = Path.GetFullPath(baseDir);
        string rootReal = RealDir(root);
        string full = Path.GetFullPath(Path.Combine(root, location));
        if (!IsUnder(full, root)) throw new FoveaFormatException($"{what}: external data location '{location}' leaves the model's folder.");
        // Every component from the folder down to the file: a symbolic link must stay inside the folder.
        string cur = root;
        foreach (var p in parts)
        {
            if (p.Length == 0 || p == ".") continue;
            cur = Path.Combine(cur, p);
            FileSystemInfo info = Directory.Exists(cur) ? new DirectoryInfo(cur) : new FileInfo(cur);
            if (info.LinkTarget is not null)
            {
                var target = info.ResolveLinkTarget(returnFinalTarget: true);
                string tfull = target is null ? "" : Path.GetFullPath(target.FullName);
                if (target is null || !(IsUnder(tfull, root) || IsUnder(tfull, rootReal)))
                    throw new FoveaFormatException($"{what}: external data location '{location}' is a symbolic link leading out of the model's folder.");
            }
        }
        return full;
    }

    static string RealDir(string dir)
    {
        try
        {
            var di = new DirectoryInfo(dir);
            var t = di.LinkTarget is not null ? di.ResolveLinkTarget(true) : null;
            return t is null ? dir : Path.GetFullPath(t.FullName);
        }
        catch (IOException) { return dir; }
    }

    static bool IsUnder(string path, string root)
    {
        string r = root.EndsWith(Path.DirectorySeparatorChar) ? root : root + Path.DirectorySeparatorChar;
        return path.StartsWith(r, StringComparison.Ordinal);
    }

    /// <summary>A float tensor as a TensorProto (FLOAT, raw little-endian data).</summary>
    public static TensorProto FromTensor(Tensor x, string name)
    {
        var t = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        foreach (var d in x.Shape.ToArray()) t.Dims.Add(d);
        var data = x.Contiguous().ToArray();
        var bytes = new byte[data.Length * 4];
        for (int i = 0; i < data.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(4 * i), data[i]);
        t.RawData = ByteString.CopyFrom(bytes);
        return t;
    }

    /// <summary>An INT64 tensor (shapes, axes, pads for export).</summary>
    public static TensorProto Int64(string name, long[] values, int[]? dims = null)
    {
        var t = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
        foreach (var d in dims ?? [values.Length]) t.Dims.Add(d);
        t.Int64Data.Add(values);
        return t;
    }
}
