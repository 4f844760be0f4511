namespace Fovea.Data.Transforms;

/// <summary>RGB to one grey channel (ITU-R 601 luma: 0.299 R + 0.587 G + 0.114 B); a grey image passes unchanged.</summary>
public sealed class ToGrey : Transform
{
    public override (int Channels, int Height, int Width) OutputShape(int channels, int height, int width)
    {
        CheckPositive("ToGrey", channels, height, width);
        if (channels != 1 && channels != 3)
            throw new ShapeMismatchException($"ToGrey: expected 1 or 3 channels, got [{channels},{height},{width}].");
        return (1, height, width);
    }

    public override void Apply(ReadOnlySpan<float> source, int channels, int height, int width, Span<float> destination, Generator rng)
    {
        CheckSpans(source, channels, height, width, destination);
        Run(source, channels, height * width, destination);
    }

    internal static void Run(ReadOnlySpan<float> src, int channels, int plane, Span<float> dst)
    {
        if (channels == 1) { src[..plane].CopyTo(dst); return; }
        var r = src[..plane];
        var g = src.Slice(plane, plane);
        var b = src.Slice(2 * plane, plane);
        for (int i = 0; i < plane; i++) dst[i] = 0.299f * r[i] + 0.587f * g[i] + 0.114f * b[i];
    }
}
