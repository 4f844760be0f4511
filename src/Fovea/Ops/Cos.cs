using System.Numerics.Tensors;

namespace Fovea;

public static partial class Ops
{
    /// <summary>cos x elementwise (radians). d/dx = −sin x.</summary>
    public static Tensor Cos(Tensor x)
    {
        var y = SpanUnary(x, TensorPrimitives.Cos);
        return Tape.Record(y, "Cos", [x], g => [Neg(Mul(g, Sin(x)))]);
    }
}

public partial class Tensor
{
    public Tensor Cos() => Ops.Cos(this);
}
