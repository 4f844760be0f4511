using System.IO.Compression;

namespace Fovea.Data;

/// <summary>
/// A labelled dataset from a NumPy <c>.npz</c> archive (as written by <c>np.savez</c>): an inputs array [N, ...]
/// and an integer labels array [N] (or [N,1]), by default named "x" and "y". Inputs [N,H,W] gain a channel axis
/// ([N,1,H,W]); channels-last inputs [N,H,W,C] are moved to [N,C,H,W] when asked; unsigned-byte inputs are scaled to
/// [0, 1]. Held in memory as floats.
/// </summary>
public sealed class NpzDataset : Dataset
{
    readonly TensorDataset _inner;

    /// <param name="path">The .npz file.</param>
    /// <param name="inputs">Name of the inputs array (without ".npy").</param>
    /// <param name="labels">Name of the labels array.</param>
    /// <param name="channelsLast">The inputs are [N,H,W,C]: transpose them to [N,C,H,W].</param>
    /// <param name="classNames">Optional class names.</param>
    public NpzDataset(string path, string inputs = "x", string labels = "y", bool channelsLast = false, string[]? classNames = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        ZipArchive zip;
        try { zip = ZipFile.OpenRead(path); }
        catch (InvalidDataException e) { throw new FoveaFormatException($"NPZ file '{path}': not a zip archive ({e.Message}).", e); }
        using (zip)
        {
            var x = ReadArray(zip, path, inputs);
            var y = ReadArray(zip, path, labels);
            if (x.Shape.Length < 1) throw new FoveaFormatException($"NPZ file '{path}': '{inputs}' is a scalar, expected [N, ...].");
            int n = x.Shape[0];
            if (!(y.Shape.Length == 1 || (y.Shape.Length == 2 && y.Shape[1] == 1)) || y.Shape[0] != n)
                throw new FoveaFormatException($"NPZ file '{path}': labels '{labels}' have shape [{string.Join(",", y.Shape)}], expected [{n}] to match '{inputs}' [{string.Join(",", x.Shape)}].");
            if (y.Kind is not ('u' or 'i'))
                throw new FoveaFormatException($"NPZ file '{path}': labels '{labels}' must be integers, found dtype {y.Kind}{y.ItemSize}.");

            var data = x.ToFloat(path);
            if (x.Kind == 'u' && x.ItemSize == 1)
                System.Numerics.Tensors.TensorPrimitives.Divide(data, 255f, data);
            int[] sample = x.Shape[1..];
            if (channelsLast)
            {
                if (sample.Length != 3) throw new FoveaFormatException($"NPZ file '{path}': channelsLast needs inputs [N,H,W,C], got [{string.Join(",", x.Shape)}].");
                data = ToChannelsFirst(data, n, sample[0], sample[1], sample[2]);
                sample = [sample[2], sample[0], sample[1]];
            }
            else if (sample.Length == 2) sample = [1, sample[0], sample[1]];

            var lab = new int[n];
            for (int i = 0; i < n; i++)
            {
                double v = y.Get(i, path);
                if (v < 0 || v > int.MaxValue) throw new FoveaFormatException($"NPZ file '{path}': label {v} of sample {i} is out of range.");
                lab[i] = (int)v;
            }
            _inner = new TensorDataset(data, sample, lab, classNames);
        }
    }

    static NpyReader.Array ReadArray(ZipArchive zip, string path, string name)
    {
        var entry = zip.GetEntry(name + ".npy") ?? zip.GetEntry(name)
            ?? throw new FoveaFormatException($"NPZ file '{path}': no array '{name}' (it holds {string.Join(", ", zip.Entries.Select(e => e.FullName))}).");
        try
        {
            using var s = entry.Open();
            return NpyReader.Read(s, entry.Length, $"{path}:{entry.FullName}");
        }
        catch (InvalidDataException e) { throw new FoveaFormatException($"NPZ file '{path}': entry '{entry.FullName}' is corrupt ({e.Message}).", e); }
    }

    static float[] ToChannelsFirst(float[] src, int n, int h, int w, int c)
    {
        var dst = new float[src.Length];
        int per = h * w * c;
        for (int s = 0; s < n; s++)
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                    for (int k = 0; k < c; k++)
                        dst[s * per + (k * h + y) * w + x] = src[s * per + (y * w + x) * c + k];
        return dst;
    }

    public override int Count => _inner.Count;
    public override Shape SampleShape => _inner.SampleShape;
    public override IReadOnlyList<string> ClassNames => _inner.ClassNames;
    public override void CopySample(int index, Span<float> destination) => _inner.CopySample(index, destination);
    public override int GetLabel(int index) => _inner.GetLabel(index);
    public override TensorDataset Materialize() => _inner;
}
