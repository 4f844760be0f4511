namespace Fovea.Data.Transforms;

/// <summary>One grey channel to three equal RGB channels; an RGB image passes unchanged.</summary>
public sealed class ToRgb : Transform
{
    public override (int Channels, int Height, int Width) OutputShape(int channels, int height, int width)
    {
        CheckPositive("ToRgb", channels, height, width);
        if (channels != 1 && channels != 3)
            throw new ShapeMismatchException($"ToRgb: expected 1 or 3 channels, got [{channels},{height},{width}].");
        return (3, height, width);
    }

    public override void Apply(ReadOnlySpan<float> source, int channels, int height, int width, Span<float> destination, Generator rng)
    {
        CheckSpans(source, channels, height, width, destination);
        Run(source, channels, height * width, destination);
    }

    internal static void Run(ReadOnlySpan<float> src, int channels, int plane, Span<float> dst)
    {
        if (channels == 3) { src[..(3 * plane)].CopyTo(dst); return; }
        for (int k = 0; k < 3; k++) src[..plane].CopyTo(dst.Slice(k * plane, plane));
    }
}
