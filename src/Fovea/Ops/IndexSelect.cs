using Fovea.Kernels;

namespace Fovea;

public static partial class Ops
{
    /// <summary>
    /// Picks the entries <paramref name="index"/> (1-D, integers as floats, repeats allowed) along
    /// <paramref name="axis"/>. The gradient is g added back at those entries (index_add).
    /// </summary>
    public static Tensor IndexSelect(Tensor x, int axis, Tensor index)
    {
        int ax = NormAxis0(axis, x.Rank, "IndexSelect");
        if (index.Rank > 1) throw new ShapeMismatchException($"IndexSelect: index must be 1-D, got {index.Shape}.");
        var (outer, n, inner) = AxisSplit(x.Shape, ax);
        var fi = Dense(index);
        CheckIndices("IndexSelect", fi, n, ax, x.Shape);
        var idx = new int[fi.Length];
        for (int i = 0; i < idx.Length; i++) idx[i] = (int)fi[i];
        var dims = x.Rank == 0 ? (index.Rank == 0 ? [] : new[] { idx.Length }) : WithAxis(x.Shape, ax, idx.Length);
        var y = Tensor.Empty(dims);
        GatherKernel.IndexSelect(Dense(x), outer, n, inner, idx, y.Span);
        return Tape.Record(y, "IndexSelect", [x], g =>
        {
            var d = Tensor.Empty(x.Shape);
            GatherKernel.IndexAdd(Dense(g), outer, n, inner, idx, d.Span);
            return [d];
        });
    }
}

public partial class Tensor
{
    public Tensor IndexSelect(int axis, Tensor index) => Ops.IndexSelect(this, axis, index);
}
