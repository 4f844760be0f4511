using Fovea.Kernels;

namespace Fovea;

public static partial class Ops
{
    /// <summary>max(x, 0). d/dx = 1 where x &gt; 0, else 0.</summary>
    public static Tensor Relu(Tensor x)
    {
        var y = UnaryMap<ReluOp>(x);
        return Tape.Record(y, "Relu", [x], g => [ReluBackward(y, g)]);
    }

    // g where y > 0, else 0: written over g itself when the engine says nobody else views it, else into a pooled buffer.
    static Tensor ReluBackward(Tensor y, Tensor g)
    {
        if (!g.IsContiguous) return BinaryMap<ReluGradOp>("ReluBackward", y, g);
        var gx = GradPool.ReuseOrRent(g, y.Shape);
        ParallelMap.Binary<ReluGradOp>(y.Span, g.Span, gx.Span);
        return gx;
    }
}

public partial class Tensor
{
    public Tensor Relu() => Ops.Relu(this);
}
