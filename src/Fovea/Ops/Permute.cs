namespace Fovea;

public static partial class Ops
{
    /// <summary>Reorders axes (a view). The gradient is permuted back with the inverse order.</summary>
    public static Tensor Permute(Tensor x, params int[] dims)
    {
        int r = x.Rank;
        if (dims.Length != r) throw new ShapeMismatchException($"Permute: {dims.Length} axes given for a {r}-D tensor {x.Shape}.");
        var seen = new bool[r];
        var shape = new int[r];
        var strides = new int[r];
        var inverse = new int[r];
        for (int i = 0; i < r; i++)
        {
            int d = Shape.NormAxis(dims[i], r, "Permute");
            if (seen[d]) throw new ShapeMismatchException($"Permute: axis {d} repeated in {Shape.Format(dims)}.");
            seen[d] = true;
            shape[i] = x.Shape[d];
            strides[i] = x.Strides[d];
            inverse[d] = i;
        }
        var y = new Tensor(x.Storage, Shape.Own(shape), strides, x.Offset);
        return Tape.Record(y, "Permute", [x], g => [Permute(g, inverse)]);
    }

    /// <summary>Swaps two axes (a view).</summary>
    public static Tensor Transpose(Tensor x, int dim0, int dim1)
    {
        int r = x.Rank;
        int a = Shape.NormAxis(dim0, r, "Transpose"), b = Shape.NormAxis(dim1, r, "Transpose");
        var p = new int[r];
        for (int i = 0; i < r; i++) p[i] = i;
        (p[a], p[b]) = (p[b], p[a]);
        return Permute(x, p);
    }
}

public partial class Tensor
{
    public Tensor Permute(params int[] dims) => Ops.Permute(this, dims);
    public Tensor Transpose(int dim0, int dim1) => Ops.Transpose(this, dim0, dim1);
    /// <summary>Transpose of a 2-D tensor.</summary>
    public Tensor T => Rank == 2 ? Ops.Transpose(this, 0, 1) : throw new ShapeMismatchException($"T: expected a 2-D tensor, got {Shape}.");
}
