namespace Fovea.Data.Transforms;

/// <summary>
/// Pads each side by <c>padding</c> pixels of <c>fill</c>, then cuts a random height x width window, like
/// torchvision's <c>RandomCrop(size, padding)</c>. Draws the top row, then the left column.
/// </summary>
public sealed class RandomCrop : Transform
{
    readonly int _h, _w, _pad;
    readonly float _fill;

    public RandomCrop(int size, int padding = 0, float fill = 0) : this(size, size, padding, fill) { }

    public RandomCrop(int height, int width, int padding, float fill = 0)
    {
        if (height <= 0 || width <= 0 || padding < 0)
            throw new ArgumentException($"RandomCrop: size {height}x{width} must be positive and padding {padding} non-negative.");
        (_h, _w, _pad, _fill) = (height, width, padding, fill);
    }

    public override (int Channels, int Height, int Width) OutputShape(int channels, int height, int width)
    {
        CheckPositive("RandomCrop", channels, height, width);
        if (height + 2 * _pad < _h || width + 2 * _pad < _w)
            throw new ShapeMismatchException($"RandomCrop({_h}x{_w}, padding {_pad}): image [{channels},{height},{width}] is too small.");
        return (channels, _h, _w);
    }

    public override void Apply(ReadOnlySpan<float> source, int channels, int height, int width, Span<float> destination, Generator rng)
    {
        CheckSpans(source, channels, height, width, destination);
        int top = rng.NextInt(height + 2 * _pad - _h + 1) - _pad;
        int left = rng.NextInt(width + 2 * _pad - _w + 1) - _pad;
        Crop(source, channels, height, width, top, left, _h, _w, _fill, destination);
    }

    /// <summary>Copies the window at (top, left) of size oh x ow; pixels outside the image are <paramref name="fill"/>.</summary>
    internal static void Crop(ReadOnlySpan<float> src, int c, int h, int w, int top, int left, int oh, int ow, float fill, Span<float> dst)
    {
        int x0 = Math.Max(0, -left), x1 = Math.Min(ow, w - left);   // output columns that map inside
        for (int ch = 0; ch < c; ch++)
        {
            var plane = src.Slice(ch * h * w, h * w);
            for (int i = 0; i < oh; i++)
            {
                var row = dst.Slice((ch * oh + i) * ow, ow);
                int y = top + i;
                if ((uint)y >= (uint)h || x1 <= x0) { row.Fill(fill); continue; }
                row[..x0].Fill(fill);
                plane.Slice(y * w + left + x0, x1 - x0).CopyTo(row[x0..x1]);
                row[x1..].Fill(fill);
            }
        }
    }

    public override string ToString() => $"RandomCrop({_h}x{_w}, padding={_pad})";
}
