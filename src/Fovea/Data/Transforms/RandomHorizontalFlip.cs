namespace Fovea.Data.Transforms;

/// <summary>Mirrors the image left-right with probability <c>p</c> (one draw per image).</summary>
public sealed class RandomHorizontalFlip : Transform
{
    readonly float _p;

    public RandomHorizontalFlip(float p = 0.5f)
    {
        if (!(p >= 0 && p <= 1)) throw new ArgumentException($"RandomHorizontalFlip: p must be in [0, 1], got {p}.");
        _p = p;
    }

    public override (int Channels, int Height, int Width) OutputShape(int channels, int height, int width)
    {
        CheckPositive("RandomHorizontalFlip", channels, height, width);
        return (channels, height, width);
    }

    public override void Apply(ReadOnlySpan<float> source, int channels, int height, int width, Span<float> destination, Generator rng)
    {
        CheckSpans(source, channels, height, width, destination);
        int n = channels * height * width;
        if (!(rng.NextFloat() < _p)) { source[..n].CopyTo(destination); return; }
        for (int r = 0; r < channels * height; r++)
        {
            var s = source.Slice(r * width, width);
            var d = destination.Slice(r * width, width);
            s.CopyTo(d);
            d.Reverse();
        }
    }

    public override string ToString() => $"RandomHorizontalFlip(p={_p})";
}
