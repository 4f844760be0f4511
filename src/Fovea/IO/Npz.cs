using System.IO.Compression;

namespace Fovea.IO;

/// <summary>
/// NumPy's <c>.npz</c> archives: a ZIP file of <c>.npy</c> arrays, as written by <c>numpy.savez</c> (stored) and
/// <c>numpy.savez_compressed</c> (deflate). Keys are the entry names without the <c>.npy</c> suffix, in archive order.
/// <para>Every array becomes a float32 <see cref="Tensor"/> with the conversions described on <see cref="Npy"/>.</para>
/// <para>Zip bombs: before anything is decompressed, the declared uncompressed sizes of all entries are summed and
/// checked against a cap (<see cref="DefaultMaxTotalBytes"/>, 2 GiB, unless the caller passes another); each entry is
/// then read only up to its declared size, and its buffer grows only as decompressed bytes arrive, so a lying archive
/// fails with a <see cref="FoveaFormatException"/> instead of filling memory. Duplicate keys, empty keys, entries that are not <c>.npy</c> files and control characters
/// in names are errors.</para>
/// </summary>
public static class Npz
{
    /// <summary>Default cap on the total declared uncompressed size of an archive's entries: 2 GiB.</summary>
    public const long DefaultMaxTotalBytes = 2L << 30;

    /// <summary>Reads every array in the archive at <paramref name="path"/>, in archive order.</summary>
    /// <param name="path">The <c>.npz</c> file.</param>
    /// <param name="maxTotalBytes">Cap on the sum of the entries' declared uncompressed sizes.</param>
    public static IReadOnlyDictionary<string, Tensor> Load(string path, long maxTotalBytes = DefaultMaxTotalBytes)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        return ReadCore(fs, $"NPZ file '{path}'", maxTotalBytes);
    }

    /// <summary>Reads every array in the archive held by <paramref name="stream"/> (a non-seekable stream is buffered in memory first).</summary>
    public static IReadOnlyDictionary<string, Tensor> Read(Stream stream, long maxTotalBytes = DefaultMaxTotalBytes)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return ReadCore(stream, stream is FileStream fs ? $"NPZ file '{fs.Name}'" : "NPZ stream", maxTotalBytes);
    }

    /// <summary>
    /// Writes the tensors as an <c>.npz</c> archive (entry <c>key.npy</c> per tensor, float32) that <c>numpy.load</c>
    /// reads; deflate-compressed like <c>numpy.savez_compressed</c> when <paramref name="compressed"/> is true.
    /// An existing file is replaced atomically.
    /// </summary>
    public static void Save(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors, bool compressed = false)
    {
        ArgumentNullException.ThrowIfNull(path);
        var list = Validate(tensors);
        AtomicFile.Write(path, fs => WriteCore(fs, list, compressed));
    }

    /// <summary>Writes the tensors as an <c>.npz</c> archive into <paramref name="stream"/>.</summary>
    public static void Write(Stream stream, IEnumerable<KeyValuePair<string, Tensor>> tensors, bool compressed = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        WriteCore(stream, Validate(tensors), compressed);
    }

    static List<KeyValuePair<string, Tensor>> Validate(IEnumerable<KeyValuePair<string, Tensor>> tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var list = new List<KeyValuePair<string, Tensor>>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, t) in tensors)
        {
            string? problem = KeyProblem(key);
            if (problem != null) throw new ArgumentException($"Npz.Save: key '{key}' {problem}.", nameof(tensors));
            if (!seen.Add(key)) throw new ArgumentException($"Npz.Save: key '{key}' appears twice.", nameof(tensors));
            if (t is null) throw new ArgumentException($"Npz.Save: tensor '{key}' is null.", nameof(tensors));
            list.Add(new(key, t));
        }
        return list;
    }

    static string? KeyProblem(string? key)
    {
        if (string.IsNullOrEmpty(key)) return "is empty";
        foreach (char c in key)
            if (char.IsControl(c)) return "contains a control character";
        if (key.StartsWith('/') || key.EndsWith('/')) return "starts or ends with '/'";
        return null;
    }

    static readonly DateTimeOffset EntryTime = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    static void WriteCore(Stream stream, List<KeyValuePair<string, Tensor>> list, bool compressed)
    {
        using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
        foreach (var (key, t) in list)
        {
            var e = zip.CreateEntry(key + ".npy", compressed ? CompressionLevel.Optimal : CompressionLevel.NoCompression);
            e.LastWriteTime = EntryTime; // reproducible archives
            using var es = e.Open();
            Npy.Write(es, t);
        }
    }

    static IReadOnlyDictionary<string, Tensor> ReadCore(Stream stream, string what, long maxTotalBytes)
    {
        if (maxTotalBytes < 0) throw new ArgumentOutOfRangeException(nameof(maxTotalBytes), "Npz: maxTotalBytes must be non-negative.");
        ZipArchive zip;
        try
        {
            zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (InvalidDataException e)
        {
            throw new FoveaFormatException($"{what}: not a valid ZIP archive ({e.Message}).", e);
        }
        using (zip)
        {
            var entries = new List<(ZipArchiveEntry Entry, string Key)>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            long total = 0;
            try
            {
                foreach (var e in zip.Entries)
                {
                    string name = e.FullName;
                    if (name.EndsWith('/') && e.Length == 0) continue; // a directory entry
                    if (!name.EndsWith(".npy", StringComparison.Ordinal))
                        throw new FoveaFormatException($"{what}: entry '{Printable(name)}' is not a .npy array.");
                    string key = name[..^4];
                    string? problem = KeyProblem(key);
                    if (problem != null) throw new FoveaFormatException($"{what}: entry '{Printable(name)}' has a bad name: the key {problem}.");
                    if (!seen.Add(key)) throw new FoveaFormatException($"{what}: key '{key}' appears twice in the archive.");
                    long len = e.Length;
                    if (len < 0 || len > maxTotalBytes - total)
                        throw new FoveaFormatException(
                            $"{what}: entries declare more than {maxTotalBytes} uncompressed bytes (at entry '{name}', {len} bytes); " +
                            "raise maxTotalBytes if the archive is trusted.");
                    total += len;
                    entries.Add((e, key));
                }
            }
            catch (InvalidDataException ex)
            {
                throw new FoveaFormatException($"{what}: corrupt ZIP directory ({ex.Message}).", ex);
            }

            var result = new OrderedDictionary<string, Tensor>(entries.Count, StringComparer.Ordinal);
            foreach (var (e, key) in entries)
            {
                string ewhat = $"{what}, entry '{e.FullName}'";
                try
                {
                    using var es = e.Open();
                    // the declared size bounds what is read, but memory grows only as decompressed bytes arrive
                    result.Add(key, Npy.ReadCore(es, ewhat, e.Length, backed: false));
                }
                catch (InvalidDataException ex)
                {
                    throw new FoveaFormatException($"{ewhat}: corrupt compressed data ({ex.Message}).", ex);
                }
                catch (NotSupportedException ex)
                {
                    throw new FoveaFormatException($"{ewhat}: unsupported ZIP entry ({ex.Message}).", ex);
                }
            }
            return result;
        }
    }

    static string Printable(string s)
    {
        var chars = s.ToCharArray();
        for (int i = 0; i < chars.Length; i++) if (char.IsControl(chars[i])) chars[i] = '?';
        return new string(chars);
    }
}
