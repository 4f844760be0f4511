using System.Numerics.Tensors;

namespace Fovea;

public static partial class Ops
{
    /// <summary>eˣ elementwise. d/dx = eˣ = y.</summary>
    public static Tensor Exp(Tensor x)
    {
        var y = SpanUnary(x, TensorPrimitives.Exp);
        return Tape.Record(y, "Exp", [x], g => [Mul(g, y)]);
    }
}

public partial class Tensor
{
    public Tensor Exp() => Ops.Exp(this);
}
