using System.Numerics.Tensors;

namespace Fovea;

public static partial class Ops
{
    /// <summary>1/x elementwise. d/dx = −1/x² = −y².</summary>
    public static Tensor Reciprocal(Tensor x)
    {
        var y = SpanUnary(x, TensorPrimitives.Reciprocal);
        return Tape.Record(y, "Reciprocal", [x], g => [Neg(Mul(g, Mul(y, y)))]);
    }
}

public partial class Tensor
{
    public Tensor Reciprocal() => Ops.Reciprocal(this);
}
