using Fovea.Kernels;

namespace Fovea;

public static partial class Ops
{
    /// <summary>Sum of all elements (a 0-D tensor). d/dx = 1.</summary>
    public static Tensor Sum(Tensor x) => Sum(x, AllAxes(x.Rank), keepDim: false);

    /// <summary>Sum over <paramref name="axes"/> (negative count from the end); keepDim keeps them as size 1. d/dx = 1 (broadcast back).</summary>
    public static Tensor Sum(Tensor x, int[] axes, bool keepDim = false)
    {
        var (keepShape, outShape) = ReducedShapes("Sum", x.Shape, axes, keepDim);
        var y = SumKeepDims(x, keepShape);
        if (!keepDim) y = new Tensor(y.Storage, outShape);
        return Tape.Record(y, "Sum", [x], g => [Expand(Reshape(g, keepShape.Dims), x.Shape.Dims).Contiguous()]);
    }

    /// <summary>Mean over all elements.</summary>
    public static Tensor Mean(Tensor x) => Mean(x, AllAxes(x.Rank), keepDim: false);

    /// <summary>Mean over <paramref name="axes"/>.</summary>
    public static Tensor Mean(Tensor x, int[] axes, bool keepDim = false)
    {
        var (keepShape, _) = ReducedShapes("Mean", x.Shape, axes, keepDim);
        int count = keepShape.Numel == 0 ? 0 : x.Numel / Math.Max(keepShape.Numel, 1);
        return Mul(Sum(x, axes, keepDim), count == 0 ? float.NaN : 1f / count);
    }

    /// <summary>
    /// Sums <paramref name="g"/> down to <paramref name="shape"/>, undoing broadcasting: over extra leading axes and
    /// over axes where <paramref name="shape"/> has size 1. Used by the backward of every broadcasting op.
    /// </summary>
    public static Tensor SumTo(Tensor g, Shape shape)
    {
        if (g.Shape == shape) return g;
        int lead = g.Rank - shape.Rank;
        if (lead < 0) throw new ShapeMismatchException($"SumTo: cannot sum {g.Shape} to the larger rank {shape}.");
        var axes = new List<int>();
        for (int i = 0; i < g.Rank; i++)
        {
            if (i < lead) { axes.Add(i); continue; }
            int want = shape[i - lead];
            if (want == 1 && g.Shape[i] != 1) axes.Add(i);
            else if (want != g.Shape[i]) throw new ShapeMismatchException($"SumTo: cannot sum {g.Shape} to {shape} (axis {i}).");
        }
        var s = Sum(g, [.. axes], keepDim: true);
        return Reshape(s, shape.Dims);
    }

    internal static int[] AllAxes(int rank)
    {
        var a = new int[rank];
        for (int i = 0; i < rank; i++) a[i] = i;
        return a;
    }

    /// <summary>The output shape with reduced axes kept as 1, and the shape the caller asked for.</summary>
    internal static (Shape keep, Shape result) ReducedShapes(string op, Shape s, int[] axes, bool keepDim)
    {
        var reduce = new bool[s.Rank];
        foreach (int a in axes)
        {
            int n = Shape.NormAxis(a, s.Rank, op);
            if (s.Rank == 0) continue;
            if (reduce[n]) throw new ShapeMismatchException($"{op}: axis {a} repeated.");
            reduce[n] = true;
        }
        var keep = new int[s.Rank];
        var res = new List<int>();
        for (int i = 0; i < s.Rank; i++)
        {
            keep[i] = reduce[i] ? 1 : s[i];
            if (!reduce[i]) res.Add(s[i]);
        }
        return (Shape.Own(keep), keepDim ? Shape.Own((int[])keep.Clone()) : Shape.Own([.. res]));
    }

    // Reduces one axis at a time over a contiguous buffer: each pass is an [outer, n, inner] sum.
    static Tensor SumKeepDims(Tensor x, Shape keepShape)
    {
        var cur = DetachedDense(x);
        var dims = x.Shape.ToArray();
        for (int ax = dims.Length - 1; ax >= 0; ax--)
        {
            if (keepShape[ax] == dims[ax]) continue;
            int outer = 1, inner = 1;
            for (int i = 0; i < ax; i++) outer *= dims[i];
            for (int i = ax + 1; i < dims.Length; i++) inner *= dims[i];
            var next = new float[outer * inner];
            Reduce.SumMiddle(cur.Span, outer, dims[ax], inner, next);
            dims[ax] = 1;
            cur = new Tensor(next, Shape.Own((int[])dims.Clone()));
        }
        if (ReferenceEquals(cur.Storage, x.Storage)) cur = cur.Clone();
        return cur;
    }
}

public partial class Tensor
{
    public Tensor Sum() => Ops.Sum(this);
    public Tensor Sum(int axis, bool keepDim = false) => Ops.Sum(this, [axis], keepDim);
    public Tensor Sum(int[] axes, bool keepDim = false) => Ops.Sum(this, axes, keepDim);
    public Tensor Mean() => Ops.Mean(this);
    public Tensor Mean(int axis, bool keepDim = false) => Ops.Mean(this, [axis], keepDim);
    public Tensor Mean(int[] axes, bool keepDim = false) => Ops.Mean(this, axes, keepDim);
    public Tensor SumTo(Shape shape) => Ops.SumTo(this, shape);
}
