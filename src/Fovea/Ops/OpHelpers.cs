using Fovea.Kernels;

namespace Fovea;

public static partial class Ops
{
    /// <summary>A span-to-span map (a TensorPrimitives call); called once per tensor, not per element.</summary>
    internal delegate void SpanMap(ReadOnlySpan<float> x, Span<float> y);

    /// <summary>f over the elements of <paramref name="x"/> into a new contiguous tensor (no autograd); large tensors in parallel chunks.</summary>
    internal static Tensor SpanUnary(Tensor x, SpanMap f)
    {
        var xc = x.IsContiguous ? x : ContiguousCopy(x);
        var y = Tensor.Empty(x.Shape);
        int n = y.Numel;
        if (n == 0) return y;
        int chunks = n < ParamMap.ParallelThreshold ? 1 : Math.Min(Parallelism.MaxThreads, n / (ParamMap.ParallelThreshold / 2));
        if (chunks <= 1) f(xc.Storage.AsSpan(xc.Offset, n), y.Span);
        else Parallelism.For(chunks, new SpanChunk(f, xc.Storage, xc.Offset, y.Storage, n, chunks));
        return y;
    }

    readonly struct SpanChunk(SpanMap f, float[] x, int xOff, float[] y, int n, int chunks) : Parallelism.IChunk
    {
        public void Run(int c)
        {
            int lo = (int)((long)n * c / chunks), hi = (int)((long)n * (c + 1) / chunks);
            f(x.AsSpan(xOff + lo, hi - lo), y.AsSpan(lo, hi - lo));
        }
    }

    /// <summary>The elements of <paramref name="x"/> as a contiguous read-only span (copies only when strided).</summary>
    internal static ReadOnlySpan<float> Dense(Tensor x)
    {
        var xc = x.IsContiguous ? x : ContiguousCopy(x);
        return xc.Storage.AsSpan(xc.Offset, xc.Numel);
    }

    /// <summary>Like <see cref="Shape.NormAxis"/> but a 0-D tensor accepts axis 0 and −1 (treated as one element), as PyTorch does.</summary>
    internal static int NormAxis0(int axis, int rank, string op)
        => rank == 0 && (axis == 0 || axis == -1) ? 0 : Shape.NormAxis(axis, rank, op);

    /// <summary>The [outer, n, inner] split of a shape around <paramref name="axis"/> (a 0-D shape is [1, 1, 1]).</summary>
    internal static (int outer, int n, int inner) AxisSplit(Shape s, int axis)
    {
        if (s.Rank == 0) return (1, 1, 1);
        int outer = 1, inner = 1;
        for (int i = 0; i < axis; i++) outer *= s[i];
        for (int i = axis + 1; i < s.Rank; i++) inner *= s[i];
        return (outer, s[axis], inner);
    }

    /// <summary>The shape with <paramref name="axis"/> set to <paramref name="size"/>.</summary>
    internal static int[] WithAxis(Shape s, int axis, int size)
    {
        var d = s.ToArray();
        d[axis] = size;
        return d;
    }

    /// <summary>The shape with <paramref name="axis"/> removed.</summary>
    internal static int[] WithoutAxis(Shape s, int axis)
    {
        var d = new int[s.Rank - 1];
        for (int i = 0, j = 0; i < s.Rank; i++) if (i != axis) d[j++] = s[i];
        return d;
    }

    /// <summary>
    /// A zero tensor of <paramref name="shape"/> with <paramref name="g"/> written into the strided region that a
    /// view with (offset, strides) relative to a contiguous buffer of that shape describes. Backward of views.
    /// </summary>
    internal static Tensor EmbedInZeros(Shape shape, Tensor g, int offset, int[] strides)
    {
        var z = Tensor.Empty(shape);
        StridedCopy.Scatter(Dense(g), z.Storage, offset, g.Shape.Dims, strides);
        return z;
    }
}

public static partial class Ops
{
    /// <summary>
    /// An elementwise activation y = f(x) whose backward is dx = grad(x, g); both maps are parameterised structs
    /// run by <see cref="ParamMap"/>.
    /// </summary>
    internal static Tensor Activation<TF, TG>(Tensor x, TF f, TG grad, string op) where TF : struct, IUnaryFn where TG : struct, IBinaryFn
    {
        var xc = x.IsContiguous ? x : ContiguousCopy(x);
        var y = Tensor.Empty(x.Shape);
        ParamMap.UnaryParallel(f, xc.Storage, xc.Offset, y.Storage, 0, y.Numel);
        return Tape.Record(y, op, [x], g =>
        {
            var gc = g.IsContiguous ? g : ContiguousCopy(g);
            var d = Tensor.Empty(x.Shape);
            ParamMap.BinaryParallel(grad, xc.Storage, xc.Offset, gc.Storage, gc.Offset, d.Storage, 0, d.Numel);
            return [d];
        });
    }
}
