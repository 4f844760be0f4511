namespace Fovea;

public static partial class Ops
{
    /// <summary>
    /// Elements start..start+length−1 of <paramref name="axis"/> (a view; negative start counts from the end).
    /// The gradient is g placed into zeros of x's shape.
    /// </summary>
    public static Tensor Narrow(Tensor x, int axis, int start, int length)
    {
        int ax = Shape.NormAxis(axis, x.Rank, "Narrow");
        if (x.Rank == 0) throw new ShapeMismatchException("Narrow: cannot narrow a 0-D tensor.");
        int n = x.Shape[ax];
        int s = start < 0 ? start + n : start;
        if (s < 0 || length < 0 || s + length > n)
            throw new ShapeMismatchException($"Narrow: start {start}, length {length} is out of range for axis {ax} of size {n} in {x.Shape}.");
        return StridedView(x, ax, s, length, 1, "Narrow");
    }

    /// <summary>
    /// Python's x[..., start:end:step, ...] on <paramref name="axis"/> (a view). Negative indices count from the
    /// end and out-of-range bounds are clipped, as in Python; step must be positive (as in PyTorch).
    /// </summary>
    public static Tensor Slice(Tensor x, int axis, int start, int end, int step = 1)
    {
        if (x.Rank == 0) throw new ShapeMismatchException("Slice: cannot slice a 0-D tensor.");
        int ax = Shape.NormAxis(axis, x.Rank, "Slice");
        if (step <= 0) throw new ArgumentException($"Slice: step must be positive, got {step}.");
        int n = x.Shape[ax];
        long s = start < 0 ? (long)start + n : start, e = end < 0 ? (long)end + n : end;
        s = Math.Clamp(s, 0, n); e = Math.Clamp(e, 0, n);
        int len = e > s ? (int)((e - s + step - 1) / step) : 0;
        return StridedView(x, ax, (int)s, len, step, "Slice");
    }

    static Tensor StridedView(Tensor x, int ax, int start, int length, int step, string op)
    {
        var dims = WithAxis(x.Shape, ax, length);
        var strides = (int[])x.Strides.Clone();
        strides[ax] *= step;
        var y = new Tensor(x.Storage, Shape.Own(dims), strides, x.Offset + (length == 0 ? 0 : start * x.Strides[ax]));
        return Tape.Record(y, op, [x], g =>
        {
            var cs = Shape.ContiguousStrides(x.Shape.Dims);
            int off = start * cs[ax];
            cs[ax] *= step;
            return [EmbedInZeros(x.Shape, g, length == 0 ? 0 : off, cs)];
        });
    }
}

public partial class Tensor
{
    public Tensor Narrow(int axis, int start, int length) => Ops.Narrow(this, axis, start, length);
    public Tensor Slice(int axis, int start, int end, int step = 1) => Ops.Slice(this, axis, start, end, step);
}
