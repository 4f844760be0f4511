using Fovea.Kernels;

namespace Fovea;

public static partial class Ops
{
    /// <summary>Index of the first largest element along <paramref name="axis"/>, as floats. Not differentiable.</summary>
    public static Tensor ArgMax(Tensor x, int axis, bool keepDim = false) => ArgExtremum(x, axis, keepDim, min: false, "ArgMax");

    /// <summary>Index of the first smallest element along <paramref name="axis"/>, as floats. Not differentiable.</summary>
    public static Tensor ArgMin(Tensor x, int axis, bool keepDim = false) => ArgExtremum(x, axis, keepDim, min: true, "ArgMin");

    /// <summary>Flat (row-major) index of the first largest element, as a 0-D float tensor.</summary>
    public static Tensor ArgMax(Tensor x) => ArgExtremumFlat(x, min: false, "ArgMax");

    /// <summary>Flat (row-major) index of the first smallest element, as a 0-D float tensor.</summary>
    public static Tensor ArgMin(Tensor x) => ArgExtremumFlat(x, min: true, "ArgMin");

    static Tensor ArgExtremum(Tensor x, int axis, bool keepDim, bool min, string op)
    {
        int ax = NormAxis0(axis, x.Rank, op);
        var (outer, n, inner) = AxisSplit(x.Shape, ax);
        if (n == 0) throw new ArgumentException($"{op}: axis {axis} of {x.Shape} is empty.");
        var (_, result) = ReducedShapes(op, x.Shape, [ax], keepDim);
        var vals = new float[outer * inner];
        var idx = new int[outer * inner];
        ArgReduce.Middle(Dense(x), outer, n, inner, vals, idx, min);
        for (int i = 0; i < idx.Length; i++) vals[i] = idx[i];
        return new Tensor(vals, result);
    }

    static Tensor ArgExtremumFlat(Tensor x, bool min, string op)
    {
        if (x.Numel == 0) throw new ArgumentException($"{op}: the tensor {x.Shape} is empty.");
        var vals = new float[1];
        var idx = new int[1];
        ArgReduce.Middle(Dense(x), 1, x.Numel, 1, vals, idx, min);
        return new Tensor([idx[0]], Shape.Own([]));
    }
}

public partial class Tensor
{
    public Tensor ArgMax(int axis, bool keepDim = false) => Ops.ArgMax(this, axis, keepDim);
    public Tensor ArgMin(int axis, bool keepDim = false) => Ops.ArgMin(this, axis, keepDim);
    public Tensor ArgMax() => Ops.ArgMax(this);
    public Tensor ArgMin() => Ops.ArgMin(this);
}
