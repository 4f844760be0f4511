namespace Fovea.Data.Transforms;

/// <summary>
/// A random rotation, translation and scaling about the image centre with bilinear sampling, like torchvision's
/// <c>RandomAffine(degrees, translate, scale)</c>: angle uniform in [-degrees, degrees] (positive turns
/// counter-clockwise as displayed), shift uniform in [-translateX*W, translateX*W] x [-translateY*H, translateY*H]
/// pixels (not rounded), scale uniform in [scaleMin, scaleMax]. Pixels from outside the image are <c>fill</c>.
/// Draws angle, shift x, shift y, scale, in that order.
/// </summary>
public sealed class RandomAffine : Transform
{
    readonly float _degrees, _tx, _ty, _sMin, _sMax, _fill;

    public RandomAffine(float degrees, float translateX = 0, float translateY = 0, float scaleMin = 1, float scaleMax = 1, float fill = 0)
    {
        if (!(degrees >= 0 && degrees <= 360)) throw new ArgumentException($"RandomAffine: degrees must be in [0, 360], got {degrees}.");
        if (!(translateX >= 0 && translateX <= 1 && translateY >= 0 && translateY <= 1))
            throw new ArgumentException($"RandomAffine: translate fractions must be in [0, 1], got ({translateX}, {translateY}).");
        if (!(scaleMin > 0 && scaleMax >= scaleMin && !float.IsInfinity(scaleMax)))
            throw new ArgumentException($"RandomAffine: scale range must satisfy 0 < min <= max, got ({scaleMin}, {scaleMax}).");
        (_degrees, _tx, _ty, _sMin, _sMax, _fill) = (degrees, translateX, translateY, scaleMin, scaleMax, fill);
    }

    public override (int Channels, int Height, int Width) OutputShape(int channels, int height, int width)
    {
        CheckPositive("RandomAffine", channels, height, width);
        return (channels, height, width);
    }

    public override void Apply(ReadOnlySpan<float> source, int channels, int height, int width, Span<float> destination, Generator rng)
    {
        CheckSpans(source, channels, height, width, destination);
        float angle = (2 * rng.NextFloat() - 1) * _degrees;
        float dx = (2 * rng.NextFloat() - 1) * _tx * width;
        float dy = (2 * rng.NextFloat() - 1) * _ty * height;
        float scale = _sMin + rng.NextFloat() * (_sMax - _sMin);
        Warp(source, channels, height, width, angle, dx, dy, scale, _fill, destination);
    }

    /// <summary>
    /// dst(p) = src(c + R(-angle)(p - c - t) / scale), c the centre ((W-1)/2, (H-1)/2): the image turned by
    /// <paramref name="angleDegrees"/> counter-clockwise as displayed, scaled, then shifted by (dx, dy).
    /// </summary>
    internal static void Warp(ReadOnlySpan<float> src, int c, int h, int w, float angleDegrees, float dx, float dy, float scale, float fill, Span<float> dst)
    {
        double a = angleDegrees * Math.PI / 180;
        float cos = (float)(Math.Cos(a) / scale), sin = (float)(Math.Sin(a) / scale);
        float cx = (w - 1) * 0.5f, cy = (h - 1) * 0.5f;
        int plane = h * w;
        for (int ch = 0; ch < c; ch++)
        {
            var s = src.Slice(ch * plane, plane);
            var d = dst.Slice(ch * plane, plane);
            for (int y = 0; y < h; y++)
            {
                float v = y - cy - dy;
                float u0 = -cx - dx;
                // Inverse of the forward map x' = cos*x + sin*y, y' = -sin*x + cos*y (y points down).
                float sx = cx + cos * u0 - sin * v;
                float sy = cy + sin * u0 + cos * v;
                var row = d.Slice(y * w, w);
                for (int x = 0; x < row.Length; x++, sx += cos, sy += sin)
                {
                    int x0 = (int)MathF.Floor(sx), y0 = (int)MathF.Floor(sy);
                    if ((uint)x0 < (uint)(w - 1) && (uint)y0 < (uint)(h - 1))
                    {
                        // All four neighbours inside: no edge checks.
                        float fx = sx - x0, fy = sy - y0;
                        int k = y0 * w + x0;
                        float top = s[k] + (s[k + 1] - s[k]) * fx;
                        float bottom = s[k + w] + (s[k + w + 1] - s[k + w]) * fx;
                        row[x] = top + (bottom - top) * fy;
                    }
                    else row[x] = Bilinear.Sample(s, h, w, sy, sx, fill);
                }
            }
        }
    }

    public override string ToString() => $"RandomAffine(degrees={_degrees}, translate=({_tx},{_ty}), scale=({_sMin},{_sMax}))";
}
