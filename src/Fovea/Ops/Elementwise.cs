using Fovea.Kernels;

namespace Fovea;

public static partial class Ops
{
    /// <summary>The strides of <paramref name="t"/> seen as broadcast to <paramref name="outShape"/> (0 on broadcast axes).</summary>
    internal static int[] BroadcastStrides(Tensor t, Shape outShape)
    {
        int r = outShape.Rank, lead = r - t.Rank;
        var s = new int[r];
        for (int i = 0; i < t.Rank; i++)
            s[lead + i] = t.Shape[i] == 1 && outShape[lead + i] != 1 ? 0 : t.Strides[i];
        return s;
    }

    /// <summary>Broadcasting elementwise a∘b into a new contiguous tensor (no autograd).</summary>
    internal static Tensor BinaryMap<TOp>(string op, Tensor a, Tensor b) where TOp : struct, IBinaryOp
    {
        if (a.Shape == b.Shape && a.IsContiguous && b.IsContiguous)
        {
            var o = Tensor.Uninitialized(a.Shape);
            ParallelMap.Binary<TOp>(a.Span, b.Span, o.Span);
            return o;
        }
        var shape = Shape.Broadcast(op, a.Shape, b.Shape);
        var y = Tensor.Empty(shape);
        Map.BinaryStrided<TOp>(a.Storage, a.Offset, BroadcastStrides(a, shape), b.Storage, b.Offset, BroadcastStrides(b, shape), shape.Dims, y.Span);
        return y;
    }

    /// <summary>Elementwise f(x) into a new contiguous tensor (no autograd).</summary>
    internal static Tensor UnaryMap<TOp>(Tensor x) where TOp : struct, IUnaryOp
    {
        var xc = x.IsContiguous ? x : ContiguousCopy(x);
        var y = Tensor.Uninitialized(x.Shape);
        ParallelMap.Unary<TOp>(xc.Span, y.Span);
        return y;
    }

    /// <summary>A contiguous copy without autograd.</summary>
    internal static Tensor ContiguousCopy(Tensor x)
    {
        var y = Tensor.Empty(x.Shape);
        x.CopyTo(y.Span);
        return y;
    }
}
