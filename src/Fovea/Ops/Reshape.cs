namespace Fovea;

public static partial class Ops
{
    /// <summary>
    /// The same elements with a new shape; one size may be −1 (inferred). A view when <paramref name="x"/> is
    /// contiguous, otherwise a copy. The gradient is reshaped back.
    /// </summary>
    public static Tensor Reshape(Tensor x, params int[] shape)
    {
        var s = InferShape("Reshape", x.Shape, shape);
        var xc = x.IsContiguous ? x : ContiguousCopy(x);
        var y = new Tensor(xc.Storage, s, Shape.ContiguousStrides(s.Dims), xc.Offset);
        return Tape.Record(y, "Reshape", [x], g => [Reshape(g, x.Shape.Dims)]);
    }

    /// <summary>Like <see cref="Reshape"/> but never copies: a non-contiguous input is an error, as in PyTorch.</summary>
    public static Tensor View(Tensor x, params int[] shape)
    {
        if (!x.IsContiguous)
            throw new InvalidOperationException($"View: tensor of shape {x.Shape} is not contiguous; use Reshape (which copies) or Contiguous() first.");
        return Reshape(x, shape);
    }

    internal static Shape InferShape(string op, Shape from, int[] shape)
    {
        var dims = (int[])shape.Clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < dims.Length; i++)
        {
            if (dims[i] == -1)
            {
                if (infer >= 0) throw new ShapeMismatchException($"{op}: only one size may be -1, got {Shape.Format(shape)}.");
                infer = i;
            }
            else if (dims[i] < 0) throw new ShapeMismatchException($"{op}: invalid size {dims[i]} in {Shape.Format(shape)}.");
            else known *= dims[i];
        }
        int n = from.Numel;
        if (infer >= 0)
        {
            if (known == 0 || n % known != 0)
                throw new ShapeMismatchException($"{op}: cannot reshape {from} ({n} elements) into {Shape.Format(shape)}.");
            dims[infer] = (int)(n / known);
        }
        else if (known != n)
            throw new ShapeMismatchException($"{op}: cannot reshape {from} ({n} elements) into {Shape.Format(shape)} ({known} elements).");
        return Shape.Own(dims);
    }
}

public partial class Tensor
{
    public Tensor Reshape(params int[] shape) => Ops.Reshape(this, shape);
    public Tensor View(params int[] shape) => Ops.View(this, shape);
    /// <summary>Collapses axes startDim..endDim into one (like <c>torch.flatten</c>).</summary>
    public Tensor Flatten(int startDim = 0, int endDim = -1)
    {
        int s = Fovea.Shape.NormAxis(startDim, Math.Max(Rank, 1), "Flatten"), e = Fovea.Shape.NormAxis(endDim, Math.Max(Rank, 1), "Flatten");
        if (Rank == 0) return Reshape(1);
        var dims = new List<int>();
        for (int i = 0; i < s; i++) dims.Add(Shape[i]);
        int m = 1;
        for (int i = s; i <= e; i++) m *= Shape[i];
        dims.Add(m);
        for (int i = e + 1; i < Rank; i++) dims.Add(Shape[i]);
        return Reshape([.. dims]);
    }
}
