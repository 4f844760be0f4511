using System.Numerics.Tensors;
using Fovea.IO;

namespace Fovea.Data;

/// <summary>
/// A labelled dataset from a NumPy <c>.npz</c> archive (as written by <c>np.savez</c>, read with <see cref="Npz"/>):
/// an inputs array [N, ...] and an integer labels array [N] (or [N,1]), by default named "x" and "y". Inputs [N,H,W]
/// gain a channel axis ([N,1,H,W]); channels-last inputs [N,H,W,C] are moved to [N,C,H,W] when asked. Pixel values
/// 0..255 are scaled to [0, 1] (see <c>scale</c>). Held in memory as floats.
/// </summary>
public sealed class NpzDataset : Dataset
{
    readonly TensorDataset _inner;

    /// <param name="path">The .npz file.</param>
    /// <param name="inputs">Name of the inputs array (without ".npy").</param>
    /// <param name="labels">Name of the labels array.</param>
    /// <param name="channelsLast">The inputs are [N,H,W,C]: transpose them to [N,C,H,W].</param>
    /// <param name="classNames">Optional class names.</param>
    /// <param name="scale">Inputs are divided by this; default: 255 when every input is a whole number in 0..255 and
    /// some exceed 1 (8-bit pixels), otherwise 1.</param>
    public NpzDataset(string path, string inputs = "x", string labels = "y", bool channelsLast = false, string[]? classNames = null, float? scale = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (scale is <= 0 || scale is float f && !float.IsFinite(f)) throw new ArgumentException($"NpzDataset: scale must be positive and finite, got {scale}.");
        var arrays = Npz.Load(path);
        var x = Get(arrays, path, inputs);
        var y = Get(arrays, path, labels);
        if (x.Rank < 1) throw new FoveaFormatException($"NPZ file '{path}': '{inputs}' is a scalar, expected [N, ...].");
        int n = x.Shape[0];
        if (!(y.Rank == 1 || (y.Rank == 2 && y.Shape[1] == 1)) || y.Shape[0] != n)
            throw new FoveaFormatException($"NPZ file '{path}': labels '{labels}' have shape {y.Shape}, expected [{n}] to match '{inputs}' {x.Shape}.");

        var data = x.ToArray();
        float div = scale ?? (LooksLikeBytes(data) ? 255f : 1f);
        if (div != 1f) TensorPrimitives.Divide(data, div, data);
        int[] sample = x.Shape.ToArray()[1..];
        if (channelsLast)
        {
            if (sample.Length != 3) throw new FoveaFormatException($"NPZ file '{path}': channelsLast needs inputs [N,H,W,C], got {x.Shape}.");
            data = ToChannelsFirst(data, n, sample[0], sample[1], sample[2]);
            sample = [sample[2], sample[0], sample[1]];
        }
        else if (sample.Length == 2) sample = [1, sample[0], sample[1]];

        var yv = y.ToArray();
        var lab = new int[n];
        for (int i = 0; i < n; i++)
        {
            float v = yv[i];
            if (!(v >= 0 && v <= 1 << 24) || v != MathF.Floor(v))
                throw new FoveaFormatException($"NPZ file '{path}': label {v} of sample {i} in '{labels}' is not a non-negative integer.");
            lab[i] = (int)v;
        }
        _inner = new TensorDataset(data, sample, lab, classNames);
    }

    static Tensor Get(IReadOnlyDictionary<string, Tensor> arrays, string path, string name)
        => arrays.TryGetValue(name, out var t) ? t
            : throw new FoveaFormatException($"NPZ file '{path}': no array '{name}' (it holds {string.Join(", ", arrays.Keys)}).");

    static bool LooksLikeBytes(float[] v)
    {
        float max = 0;
        foreach (float x in v)
        {
            if (!(x >= 0 && x <= 255) || x != MathF.Floor(x)) return false;
            if (x > max) max = x;
        }
        return max > 1;
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
