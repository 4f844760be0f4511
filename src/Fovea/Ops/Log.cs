using System.Numerics.Tensors;

namespace Fovea;

public static partial class Ops
{
    /// <summary>Natural logarithm elementwise. d/dx = 1/x.</summary>
    public static Tensor Log(Tensor x)
    {
        var y = SpanUnary(x, TensorPrimitives.Log);
        return Tape.Record(y, "Log", [x], g => [Div(g, x.Detach())]);
    }
}

public partial class Tensor
{
    public Tensor Log() => Ops.Log(this);
}
