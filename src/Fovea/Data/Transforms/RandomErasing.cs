namespace Fovea.Data.Transforms;

/// <summary>
/// With probability <c>p</c>, sets a random rectangle of every channel to <c>value</c> (Zhong et al. 2017, as in
/// torchvision's <c>RandomErasing</c>): the area is a fraction in [scaleMin, scaleMax] of the image, the aspect ratio
/// log-uniform in [ratioMin, ratioMax]; up to 10 tries to fit the image, else the image is left as it is.
/// Apply it after <see cref="Normalize"/> so that 0 means "the mean".
/// </summary>
public sealed class RandomErasing : Transform
{
    readonly float _p, _sMin, _sMax, _rMin, _rMax, _value;

    public RandomErasing(float p = 0.5f, float scaleMin = 0.02f, float scaleMax = 0.33f, float ratioMin = 0.3f, float ratioMax = 3.3f, float value = 0)
    {
        if (!(p >= 0 && p <= 1)) throw new ArgumentException($"RandomErasing: p must be in [0, 1], got {p}.");
        if (!(scaleMin >= 0 && scaleMax >= scaleMin && scaleMax <= 1))
            throw new ArgumentException($"RandomErasing: scale range must satisfy 0 <= min <= max <= 1, got ({scaleMin}, {scaleMax}).");
        if (!(ratioMin > 0 && ratioMax >= ratioMin && !float.IsInfinity(ratioMax)))
            throw new ArgumentException($"RandomErasing: ratio range must satisfy 0 < min <= max, got ({ratioMin}, {ratioMax}).");
        (_p, _sMin, _sMax, _rMin, _rMax, _value) = (p, scaleMin, scaleMax, ratioMin, ratioMax, value);
    }

    public override (int Channels, int Height, int Width) OutputShape(int channels, int height, int width)
    {
        CheckPositive("RandomErasing", channels, height, width);
        return (channels, height, width);
    }

    public override void Apply(ReadOnlySpan<float> source, int channels, int height, int width, Span<float> destination, Generator rng)
    {
        CheckSpans(source, channels, height, width, destination);
        int plane = height * width;
        source[..(channels * plane)].CopyTo(destination);
        if (!(rng.NextFloat() < _p)) return;
        double logR0 = Math.Log(_rMin), logR1 = Math.Log(_rMax);
        for (int attempt = 0; attempt < 10; attempt++)
        {
            double area = plane * (_sMin + rng.NextDouble() * (_sMax - _sMin));
            double aspect = Math.Exp(logR0 + rng.NextDouble() * (logR1 - logR0));
            int eh = (int)Math.Round(Math.Sqrt(area * aspect));
            int ew = (int)Math.Round(Math.Sqrt(area / aspect));
            if (eh <= 0 || ew <= 0 || eh >= height || ew >= width) continue;
            int top = rng.NextInt(height - eh + 1), left = rng.NextInt(width - ew + 1);
            Erase(destination, channels, height, width, top, left, eh, ew, _value);
            return;
        }
    }

    internal static void Erase(Span<float> img, int c, int h, int w, int top, int left, int eh, int ew, float value)
    {
        for (int ch = 0; ch < c; ch++)
            for (int y = top; y < top + eh; y++)
                img.Slice((ch * h + y) * w + left, ew).Fill(value);
    }

    public override string ToString() => $"RandomErasing(p={_p}, scale=({_sMin},{_sMax}), ratio=({_rMin},{_rMax}), value={_value})";
}
