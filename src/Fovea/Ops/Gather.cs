using Fovea.Kernels;

namespace Fovea;

public static partial class Ops
{
    /// <summary>
    /// torch.gather: out[i][j][k] = x[i][index[i][j][k]][k] for axis 1 (likewise for any axis). The index (integers
    /// stored as floats) has x's rank and no larger sizes than x off the axis; the output has its shape. The
    /// gradient is g scatter-added back into zeros of x's shape. The index gets no gradient.
    /// </summary>
    public static Tensor Gather(Tensor x, int axis, Tensor index)
    {
        int ax = NormAxis0(axis, x.Rank, "Gather");
        if (index.Rank != x.Rank)
            throw new ShapeMismatchException($"Gather: index {index.Shape} must have the rank of the input {x.Shape}.");
        for (int d = 0; d < x.Rank; d++)
            if (d != ax && index.Shape[d] > x.Shape[d])
                throw new ShapeMismatchException($"Gather: index {index.Shape} is larger than input {x.Shape} on axis {d}.");
        var idx = Dense(index);
        int size = x.Rank == 0 ? 1 : x.Shape[ax];
        CheckIndices("Gather", idx, size, ax, x.Shape);
        var y = Tensor.Empty(index.Shape);
        GatherKernel.Gather(x.Storage, x.Offset, x.Strides, idx, index.Shape.Dims, ax, y.Span);
        var idxCopy = idx.ToArray();
        return Tape.Record(y, "Gather", [x], g =>
        {
            var d = Tensor.Empty(x.Shape);
            GatherKernel.ScatterAdd(Dense(g), idxCopy, index.Shape.Dims, ax, d.Span, d.Strides);
            return [d];
        });
    }

    /// <summary>Throws unless every index is an integer in [0, size) (negative ones are not allowed, as in torch.gather).</summary>
    internal static void CheckIndices(string op, ReadOnlySpan<float> idx, int size, int axis, Shape x)
    {
        for (int i = 0; i < idx.Length; i++)
        {
            float v = idx[i];
            if (!(v >= 0 && v < size) || v != MathF.Floor(v))
                throw new ArgumentException($"{op}: index {v} at position {i} is not an integer in [0, {size}) for axis {axis} of {x}.");
        }
    }
}

public partial class Tensor
{
    public Tensor Gather(int axis, Tensor index) => Ops.Gather(this, axis, index);
}
