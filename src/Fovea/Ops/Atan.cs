using System.Numerics.Tensors;

namespace Fovea;

public static partial class Ops
{
    /// <summary>arctan x elementwise. d/dx = 1 / (1 + x²).</summary>
    public static Tensor Atan(Tensor x)
    {
        var y = SpanUnary(x, TensorPrimitives.Atan);
        return Tape.Record(y, "Atan", [x], g => [Div(g, Add(Square(x), 1f))]);
    }
}

public partial class Tensor
{
    public Tensor Atan() => Ops.Atan(this);
}
