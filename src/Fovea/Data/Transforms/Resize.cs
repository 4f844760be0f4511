namespace Fovea.Data.Transforms;

/// <summary>
/// Resizes every channel to height x width with bilinear interpolation, matching PyTorch's
/// <c>interpolate(mode="bilinear", align_corners=False)</c> (no antialiasing: for strong shrinking, resize in steps).
/// </summary>
public sealed class Resize : Transform
{
    readonly int _h, _w;

    public Resize(int height, int width)
    {
        if (height <= 0 || width <= 0) throw new ArgumentException($"Resize: size {height}x{width} must be positive.");
        (_h, _w) = (height, width);
    }

    public Resize(int size) : this(size, size) { }

    public override (int Channels, int Height, int Width) OutputShape(int channels, int height, int width)
    {
        CheckPositive("Resize", channels, height, width);
        return (channels, _h, _w);
    }

    public override void Apply(ReadOnlySpan<float> source, int channels, int height, int width, Span<float> destination, Generator rng)
    {
        CheckSpans(source, channels, height, width, destination);
        Run(source, channels, height, width, destination, _h, _w);
    }

    internal static void Run(ReadOnlySpan<float> src, int c, int h, int w, Span<float> dst, int oh, int ow)
    {
        int ip = h * w, op = oh * ow;
        for (int ch = 0; ch < c; ch++)
        {
            if (h == oh && w == ow) src.Slice(ch * ip, ip).CopyTo(dst.Slice(ch * op, op));
            else Bilinear.Resize(src.Slice(ch * ip, ip), h, w, dst.Slice(ch * op, op), oh, ow);
        }
    }

    public override string ToString() => $"Resize({_h}x{_w})";
}
