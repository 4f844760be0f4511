namespace Fovea.Data.Transforms;

/// <summary>
/// A per-sample image transform on [C,H,W] spans, as a <see cref="DataLoader"/> applies them. Random transforms draw
/// only from the generator they are given, so a loader that seeds it per sample gets the same result on every run,
/// whatever the thread timing. Source and destination never overlap.
/// </summary>
public abstract class Transform
{
    /// <summary>The [C,H,W] this transform makes from a [C,H,W] input; throws if it cannot take that input.</summary>
    public abstract (int Channels, int Height, int Width) OutputShape(int channels, int height, int width);

    /// <summary>Writes the transformed image (<see cref="OutputShape"/> sized) into <paramref name="destination"/>.</summary>
    public abstract void Apply(ReadOnlySpan<float> source, int channels, int height, int width, Span<float> destination, Generator rng);

    /// <summary>Transforms one image tensor [C,H,W] (or [H,W], taken as one channel) into a new tensor [C',H',W'].</summary>
    public Tensor Apply(Tensor image, Generator? rng = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        var (c, h, w) = image.Rank switch
        {
            2 => (1, image.Shape[0], image.Shape[1]),
            3 => (image.Shape[0], image.Shape[1], image.Shape[2]),
            _ => throw new ShapeMismatchException($"{GetType().Name}: expected an image [C,H,W] or [H,W], got {image.Shape}."),
        };
        var (oc, oh, ow) = OutputShape(c, h, w);
        var src = image.ToArray();
        var dst = Tensor.Empty(oc, oh, ow);
        Apply(src, c, h, w, dst.Span, rng ?? Generator.Default);
        return dst;
    }

    /// <summary>"Name(args)", for logs.</summary>
    public override string ToString() => GetType().Name;

    /// <summary>Throws unless the spans fit a [C,H,W] input and its output.</summary>
    protected void CheckSpans(ReadOnlySpan<float> source, int channels, int height, int width, Span<float> destination)
    {
        var (oc, oh, ow) = OutputShape(channels, height, width);
        if (source.Length < channels * height * width || destination.Length < oc * oh * ow)
            throw new ArgumentException($"{this}: spans of {source.Length} and {destination.Length} are too short for [{channels},{height},{width}] -> [{oc},{oh},{ow}].");
    }

    internal static void CheckPositive(string who, int c, int h, int w)
    {
        if (c <= 0 || h <= 0 || w <= 0) throw new ShapeMismatchException($"{who}: image [{c},{h},{w}] must have positive sizes.");
    }
}
