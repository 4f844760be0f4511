using System.Numerics.Tensors;

namespace Fovea.Data.Transforms;

/// <summary>(x - mean[c]) / std[c] per channel; one value applies to every channel.</summary>
public sealed class Normalize : Transform
{
    readonly float[] _mean, _std;

    public Normalize(float[] mean, float[] std)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(std);
        if (mean.Length == 0 || mean.Length != std.Length)
            throw new ArgumentException($"Normalize: mean ({mean.Length} values) and std ({std.Length} values) must be non-empty and of one length.");
        foreach (float s in std)
            if (!(s > 0) || float.IsInfinity(s)) throw new ArgumentException($"Normalize: std must be positive and finite, got {s}.");
        _mean = (float[])mean.Clone();
        _std = (float[])std.Clone();
    }

    /// <summary>One mean and std for every channel.</summary>
    public Normalize(float mean, float std) : this([mean], [std]) { }

    public override (int Channels, int Height, int Width) OutputShape(int channels, int height, int width)
    {
        CheckPositive("Normalize", channels, height, width);
        if (_mean.Length != 1 && _mean.Length != channels)
            throw new ShapeMismatchException($"Normalize: {_mean.Length} means for an image with {channels} channels [{channels},{height},{width}].");
        return (channels, height, width);
    }

    public override void Apply(ReadOnlySpan<float> source, int channels, int height, int width, Span<float> destination, Generator rng)
    {
        CheckSpans(source, channels, height, width, destination);
        int plane = height * width;
        for (int c = 0; c < channels; c++)
        {
            int k = _mean.Length == 1 ? 0 : c;
            var d = destination.Slice(c * plane, plane);
            TensorPrimitives.Subtract(source.Slice(c * plane, plane), _mean[k], d);
            TensorPrimitives.Divide(d, _std[k], d);
        }
    }

    public override string ToString() => $"Normalize(mean=[{string.Join(",", _mean)}], std=[{string.Join(",", _std)}])";
}
