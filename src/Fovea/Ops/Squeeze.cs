namespace Fovea;

public static partial class Ops
{
    /// <summary>Removes every size-1 axis (a view). The gradient is reshaped back.</summary>
    public static Tensor Squeeze(Tensor x)
    {
        var dims = new List<int>();
        var strides = new List<int>();
        for (int i = 0; i < x.Rank; i++)
            if (x.Shape[i] != 1) { dims.Add(x.Shape[i]); strides.Add(x.Strides[i]); }
        return ViewOf(x, [.. dims], [.. strides], x.Offset, "Squeeze");
    }

    /// <summary>Removes <paramref name="axis"/> if its size is 1; otherwise returns a view of the same shape (as PyTorch does).</summary>
    public static Tensor Squeeze(Tensor x, int axis)
    {
        int ax = NormAxis0(axis, x.Rank, "Squeeze");
        if (x.Rank == 0 || x.Shape[ax] != 1) return ViewOf(x, x.Shape.ToArray(), (int[])x.Strides.Clone(), x.Offset, "Squeeze");
        var strides = new int[x.Rank - 1];
        for (int i = 0, j = 0; i < x.Rank; i++) if (i != ax) strides[j++] = x.Strides[i];
        return ViewOf(x, WithoutAxis(x.Shape, ax), strides, x.Offset, "Squeeze");
    }

    /// <summary>Inserts a size-1 axis at <paramref name="axis"/> (in −(rank+1) .. rank), a view.</summary>
    public static Tensor Unsqueeze(Tensor x, int axis)
    {
        int r = x.Rank;
        int ax = axis < 0 ? axis + r + 1 : axis;
        if (ax < 0 || ax > r) throw new ShapeMismatchException($"Unsqueeze: axis {axis} is out of range for a {r}-D tensor {x.Shape} (allowed {-(r + 1)}..{r}).");
        var dims = new int[r + 1];
        var strides = new int[r + 1];
        for (int i = 0, j = 0; i <= r; i++)
        {
            if (i == ax) { dims[i] = 1; strides[i] = ax < r ? x.Strides[ax] * Math.Max(x.Shape[ax], 1) : 1; continue; }
            dims[i] = x.Shape[j]; strides[i] = x.Strides[j]; j++;
        }
        return ViewOf(x, dims, strides, x.Offset, "Unsqueeze");
    }

    /// <summary>A view over x's storage whose gradient is x's gradient reshaped (same elements, same order).</summary>
    static Tensor ViewOf(Tensor x, int[] dims, int[] strides, int offset, string op)
    {
        var y = new Tensor(x.Storage, Shape.Own(dims), strides, offset);
        return Tape.Record(y, op, [x], g => [Reshape(g, x.Shape.Dims)]);
    }
}

public partial class Tensor
{
    public Tensor Squeeze() => Ops.Squeeze(this);
    public Tensor Squeeze(int axis) => Ops.Squeeze(this, axis);
    public Tensor Unsqueeze(int axis) => Ops.Unsqueeze(this, axis);
}
