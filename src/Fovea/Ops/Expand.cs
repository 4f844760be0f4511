namespace Fovea;

public static partial class Ops
{
    /// <summary>
    /// A view with size-1 axes repeated (stride 0) up to <paramref name="shape"/>; −1 keeps a size; new leading axes
    /// may be added. The gradient is summed back over the expanded axes.
    /// </summary>
    public static Tensor Expand(Tensor x, params int[] shape)
    {
        int r = shape.Length, lead = r - x.Rank;
        if (lead < 0) throw new ShapeMismatchException($"Expand: cannot expand {x.Shape} to fewer axes {Shape.Format(shape)}.");
        var dims = new int[r];
        var strides = new int[r];
        for (int i = 0; i < r; i++)
        {
            int want = shape[i];
            if (i < lead)
            {
                if (want < 0) throw new ShapeMismatchException($"Expand: size -1 is not allowed for a new leading axis ({Shape.Format(shape)}).");
                dims[i] = want; strides[i] = 0; continue;
            }
            int have = x.Shape[i - lead];
            if (want == -1 || want == have) { dims[i] = have; strides[i] = x.Strides[i - lead]; }
            else if (have == 1) { dims[i] = want; strides[i] = 0; }
            else throw new ShapeMismatchException($"Expand: cannot expand {x.Shape} to {Shape.Format(shape)} (axis {i}: {have} is not 1).");
        }
        var y = new Tensor(x.Storage, Shape.Own(dims), strides, x.Offset);
        return Tape.Record(y, "Expand", [x], g => [g.SumTo(x.Shape)]);
    }
}

public partial class Tensor
{
    public Tensor Expand(params int[] shape) => Ops.Expand(this, shape);
}
