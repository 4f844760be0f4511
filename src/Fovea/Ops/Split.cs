namespace Fovea;

public static partial class Ops
{
    /// <summary>Cuts <paramref name="axis"/> into pieces of <paramref name="splitSize"/> (the last may be smaller); views.</summary>
    public static Tensor[] Split(Tensor x, int splitSize, int axis)
    {
        if (x.Rank == 0) throw new ShapeMismatchException("Split: cannot split a 0-D tensor.");
        int ax = Shape.NormAxis(axis, x.Rank, "Split");
        int n = x.Shape[ax];
        if (splitSize <= 0 && !(splitSize == 0 && n == 0)) throw new ArgumentException($"Split: splitSize must be positive, got {splitSize}.");
        if (n == 0) return [Narrow(x, ax, 0, 0)];
        int count = (n + splitSize - 1) / splitSize;
        var r = new Tensor[count];
        for (int i = 0; i < count; i++) r[i] = Narrow(x, ax, i * splitSize, Math.Min(splitSize, n - i * splitSize));
        return r;
    }

    /// <summary>Cuts <paramref name="axis"/> into pieces of the given sizes, which must add up to its size; views.</summary>
    public static Tensor[] Split(Tensor x, int[] sizes, int axis)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        if (x.Rank == 0) throw new ShapeMismatchException("Split: cannot split a 0-D tensor.");
        int ax = Shape.NormAxis(axis, x.Rank, "Split");
        long sum = 0;
        foreach (int s in sizes)
        {
            if (s < 0) throw new ArgumentException($"Split: sizes must be non-negative, got {Shape.Format(sizes)}.");
            sum += s;
        }
        if (sum != x.Shape[ax]) throw new ShapeMismatchException($"Split: sizes {Shape.Format(sizes)} add up to {sum}, but axis {ax} of {x.Shape} has size {x.Shape[ax]}.");
        var r = new Tensor[sizes.Length];
        for (int i = 0, at = 0; i < sizes.Length; at += sizes[i], i++) r[i] = Narrow(x, ax, at, sizes[i]);
        return r;
    }
}

public partial class Tensor
{
    public Tensor[] Split(int splitSize, int axis) => Ops.Split(this, splitSize, axis);
    public Tensor[] Split(int[] sizes, int axis) => Ops.Split(this, sizes, axis);
}
