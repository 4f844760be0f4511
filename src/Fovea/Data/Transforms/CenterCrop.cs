namespace Fovea.Data.Transforms;

/// <summary>
/// Cuts the central height x width window (padding with <c>fill</c> where the image is smaller), like torchvision's
/// <c>CenterCrop</c>; the deterministic counterpart of <see cref="RandomCrop"/> for evaluation.
/// </summary>
public sealed class CenterCrop : Transform
{
    readonly int _h, _w;
    readonly float _fill;

    public CenterCrop(int size, float fill = 0) : this(size, size, fill) { }

    public CenterCrop(int height, int width, float fill = 0)
    {
        if (height <= 0 || width <= 0) throw new ArgumentException($"CenterCrop: size {height}x{width} must be positive.");
        (_h, _w, _fill) = (height, width, fill);
    }

    public override (int Channels, int Height, int Width) OutputShape(int channels, int height, int width)
    {
        CheckPositive("CenterCrop", channels, height, width);
        return (channels, _h, _w);
    }

    public override void Apply(ReadOnlySpan<float> source, int channels, int height, int width, Span<float> destination, Generator rng)
    {
        CheckSpans(source, channels, height, width, destination);
        // torchvision rounds the offset: int(round((H - h) / 2)).
        int top = (int)Math.Round((height - _h) / 2.0, MidpointRounding.ToEven);
        int left = (int)Math.Round((width - _w) / 2.0, MidpointRounding.ToEven);
        RandomCrop.Crop(source, channels, height, width, top, left, _h, _w, _fill, destination);
    }

    public override string ToString() => $"CenterCrop({_h}x{_w})";
}
