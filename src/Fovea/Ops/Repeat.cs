namespace Fovea;

public static partial class Ops
{
    /// <summary>
    /// torch.Tensor.repeat: tiles x <paramref name="repeats"/>[i] times along each axis; repeats may be longer
    /// than x's rank (x gets leading size-1 axes). Composite: an interleaved reshape, an expand and a reshape, so
    /// the gradient (summing the copies) comes from those.
    /// </summary>
    public static Tensor Repeat(Tensor x, params int[] repeats)
    {
        ArgumentNullException.ThrowIfNull(repeats);
        int r = repeats.Length;
        if (r < x.Rank) throw new ShapeMismatchException($"Repeat: {r} repeat counts given for a {x.Rank}-D tensor {x.Shape}; need at least {x.Rank}.");
        var dims = new int[r];
        int lead = r - x.Rank;
        for (int i = 0; i < r; i++)
        {
            if (repeats[i] < 0) throw new ArgumentException($"Repeat: counts must be non-negative, got {Shape.Format(repeats)}.");
            dims[i] = i < lead ? 1 : x.Shape[i - lead];
        }
        var inter = new int[2 * r];
        var expanded = new int[2 * r];
        var result = new int[r];
        for (int i = 0; i < r; i++)
        {
            inter[2 * i] = 1; inter[2 * i + 1] = dims[i];
            expanded[2 * i] = repeats[i]; expanded[2 * i + 1] = dims[i];
            result[i] = repeats[i] * dims[i];
        }
        return Reshape(Expand(Reshape(x, inter), expanded), result);
    }
}

public partial class Tensor
{
    public Tensor Repeat(params int[] repeats) => Ops.Repeat(this, repeats);
}
