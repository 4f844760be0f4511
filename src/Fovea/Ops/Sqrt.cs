using System.Numerics.Tensors;

namespace Fovea;

public static partial class Ops
{
    /// <summary>√x elementwise. d/dx = 1/(2√x) = 0.5/y.</summary>
    public static Tensor Sqrt(Tensor x)
    {
        var y = SpanUnary(x, TensorPrimitives.Sqrt);
        return Tape.Record(y, "Sqrt", [x], g => [Div(Mul(g, 0.5f), y)]);
    }
}

public partial class Tensor
{
    public Tensor Sqrt() => Ops.Sqrt(this);
}
