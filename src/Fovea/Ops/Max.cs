using Fovea.Kernels;

namespace Fovea;

public static partial class Ops
{
    /// <summary>The largest element (0-D). The gradient goes to the first position holding it.</summary>
    public static Tensor Max(Tensor x) => ExtremumAll(x, min: false, "Max");

    /// <summary>The smallest element (0-D). The gradient goes to the first position holding it.</summary>
    public static Tensor Min(Tensor x) => ExtremumAll(x, min: true, "Min");

    /// <summary>Largest values along <paramref name="axis"/>. The gradient goes to the first arg-max of each slice.</summary>
    public static Tensor Max(Tensor x, int axis, bool keepDim = false) => ExtremumAxis(x, axis, keepDim, min: false, "Max").values;

    /// <summary>Smallest values along <paramref name="axis"/>. The gradient goes to the first arg-min of each slice.</summary>
    public static Tensor Min(Tensor x, int axis, bool keepDim = false) => ExtremumAxis(x, axis, keepDim, min: true, "Min").values;

    static Tensor ExtremumAll(Tensor x, bool min, string op)
    {
        if (x.Numel == 0) throw new ArgumentException($"{op}: the tensor {x.Shape} is empty; the reduction has no identity.");
        var vals = new float[1];
        var idx = new int[1];
        ArgReduce.Middle(Dense(x), 1, x.Numel, 1, vals, idx, min);
        var y = new Tensor(vals, Shape.Own([]));
        return Tape.Record(y, op, [x], g =>
        {
            var d = Tensor.Empty(x.Shape);
            d.Storage[idx[0]] = g.Item();
            return [d];
        });
    }

    internal static (Tensor values, int[] index, Shape keep) ExtremumAxis(Tensor x, int axis, bool keepDim, bool min, string op)
    {
        int ax = NormAxis0(axis, x.Rank, op);
        var (outer, n, inner) = AxisSplit(x.Shape, ax);
        if (n == 0) throw new ArgumentException($"{op}: axis {axis} of {x.Shape} is empty; the reduction has no identity.");
        var (keep, result) = ReducedShapes(op, x.Shape, [ax], keepDim);
        var vals = new float[outer * inner];
        var idx = new int[outer * inner];
        ArgReduce.Middle(Dense(x), outer, n, inner, vals, idx, min);
        var y = new Tensor(vals, result);
        y = Tape.Record(y, op, [x], g =>
        {
            var d = Tensor.Empty(x.Shape);
            ArgReduce.ScatterMiddle(Dense(g), idx, outer, n, inner, d.Span);
            return [d];
        });
        return (y, idx, keep);
    }
}

public partial class Tensor
{
    public Tensor Max() => Ops.Max(this);
    public Tensor Min() => Ops.Min(this);
    public Tensor Max(int axis, bool keepDim = false) => Ops.Max(this, axis, keepDim);
    public Tensor Min(int axis, bool keepDim = false) => Ops.Min(this, axis, keepDim);
}
