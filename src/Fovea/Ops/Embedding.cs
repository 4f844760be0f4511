using System.Numerics.Tensors;

namespace Fovea;

public static partial class Ops
{
    /// <summary>
    /// Looks up rows of <paramref name="weight"/> [V, D] for integer <paramref name="indices"/> of any shape (stored
    /// as floats): the output has shape indices.shape + [D]. d/dweight accumulates each output row's gradient into
    /// the row it came from; the <paramref name="paddingIdx"/> row (negative counts from the end) gets none.
    /// The indices get no gradient. An index that is not an integer in [0, V) is an error.
    /// </summary>
    public static Tensor Embedding(Tensor indices, Tensor weight, int? paddingIdx = null)
    {
        const string op = "Embedding";
        if (weight.Rank != 2) throw new ShapeMismatchException($"{op}: weight must be 2-D [num_embeddings, dim], got {weight.Shape}.");
        int v = weight.Shape[0], d = weight.Shape[1];
        int pad = -1;
        if (paddingIdx is int pi)
        {
            pad = pi < 0 ? pi + v : pi;
            if (pad < 0 || pad >= v) throw new ArgumentException($"{op}: paddingIdx {pi} is out of range for {v} embeddings.");
        }
        var idxVals = PoolDense(indices);
        var rows = new int[idxVals.Length];
        for (int i = 0; i < rows.Length; i++)
        {
            float f = idxVals[i];
            if (!(f >= 0 && f < v) || f != MathF.Floor(f))
                throw new ArgumentOutOfRangeException(nameof(indices), f, $"{op}: index {f} at position {i} of indices {indices.Shape} is not an integer in [0, {v}).");
            rows[i] = (int)f;
        }
        var outDims = new int[indices.Rank + 1];
        indices.Shape.Dims.CopyTo(outDims, 0);
        outDims[^1] = d;
        var y = Tensor.Empty(outDims);
        var w = PoolDense(weight);
        var ys = y.Span;
        for (int i = 0; i < rows.Length; i++) w.Slice(rows[i] * d, d).CopyTo(ys.Slice(i * d, d));
        var wShape = weight.Shape;
        return Tape.Record(y, op, [indices, weight], g =>
        {
            var gw = Tensor.Empty(wShape);
            var gws = gw.Span;
            var gs = PoolDense(g);
            for (int i = 0; i < rows.Length; i++)
            {
                if (rows[i] == pad) continue;
                var dst = gws.Slice(rows[i] * d, d);
                TensorPrimitives.Add(dst, gs.Slice(i * d, d), dst);
            }
            return [null, gw];
        });
    }
}
