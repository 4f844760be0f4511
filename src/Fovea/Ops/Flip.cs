namespace Fovea;

public static partial class Ops
{
    /// <summary>Reverses the order along each of <paramref name="axes"/> (a copy, as torch.flip). The gradient is g flipped back.</summary>
    public static Tensor Flip(Tensor x, params int[] axes)
    {
        ArgumentNullException.ThrowIfNull(axes);
        var strides = (int[])x.Strides.Clone();
        var seen = new bool[x.Rank];
        int offset = x.Offset;
        foreach (int a in axes)
        {
            int ax = NormAxis0(a, x.Rank, "Flip");
            if (x.Rank == 0) continue;
            if (seen[ax]) throw new ShapeMismatchException($"Flip: axis {a} repeated in {Shape.Format(axes)}.");
            seen[ax] = true;
            if (x.Shape[ax] > 0) offset += (x.Shape[ax] - 1) * strides[ax];
            strides[ax] = -strides[ax];
        }
        // A negative-stride view read once by the strided copy.
        var y = x.Numel == 0 ? Tensor.Empty(x.Shape) : ContiguousCopy(new Tensor(x.Storage, x.Shape, strides, offset));
        return Tape.Record(y, "Flip", [x], g => [Flip(g, axes)]);
    }
}

public partial class Tensor
{
    public Tensor Flip(params int[] axes) => Ops.Flip(this, axes);
}
