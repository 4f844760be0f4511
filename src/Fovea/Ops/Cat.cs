using Fovea.Kernels;

namespace Fovea;

public static partial class Ops
{
    /// <summary>
    /// Joins tensors along an existing <paramref name="axis"/>; all other sizes must match. Each input's gradient
    /// is its slice of g.
    /// </summary>
    public static Tensor Cat(Tensor[] xs, int axis)
    {
        ArgumentNullException.ThrowIfNull(xs);
        if (xs.Length == 0) throw new ArgumentException("Cat: needs at least one tensor.");
        var first = xs[0];
        if (first.Rank == 0) throw new ShapeMismatchException("Cat: 0-D tensors cannot be concatenated; use Stack.");
        int ax = Shape.NormAxis(axis, first.Rank, "Cat");
        int total = 0;
        var starts = new int[xs.Length];
        for (int t = 0; t < xs.Length; t++)
        {
            var x = xs[t];
            if (x.Rank != first.Rank) throw new ShapeMismatchException($"Cat: tensor {t} has shape {x.Shape}, expected rank {first.Rank} like {first.Shape}.");
            for (int i = 0; i < x.Rank; i++)
                if (i != ax && x.Shape[i] != first.Shape[i])
                    throw new ShapeMismatchException($"Cat: tensor {t} has shape {x.Shape}, expected {first.Shape} except on axis {ax} (axis {i}: {x.Shape[i]} vs {first.Shape[i]}).");
            starts[t] = total;
            total += x.Shape[ax];
        }
        var y = Tensor.Empty(WithAxis(first.Shape, ax, total));
        var ys = y.Strides;
        for (int t = 0; t < xs.Length; t++)
            if (xs[t].Numel > 0) StridedCopy.Scatter(Dense(xs[t]), y.Storage, starts[t] * ys[ax], xs[t].Shape.Dims, ys);
        return Tape.Record(y, "Cat", xs, g =>
        {
            var r = new Tensor?[xs.Length];
            for (int t = 0; t < xs.Length; t++)
                if (xs[t].RequiresGrad) r[t] = Narrow(g, ax, starts[t], xs[t].Shape[ax]);
            return r;
        });
    }
}

public partial class Tensor
{
    public static Tensor Cat(Tensor[] xs, int axis) => Ops.Cat(xs, axis);
}
