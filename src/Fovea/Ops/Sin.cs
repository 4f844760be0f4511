using System.Numerics.Tensors;

namespace Fovea;

public static partial class Ops
{
    /// <summary>sin x elementwise (radians). d/dx = cos x.</summary>
    public static Tensor Sin(Tensor x)
    {
        var y = SpanUnary(x, TensorPrimitives.Sin);
        return Tape.Record(y, "Sin", [x], g => [Mul(g, Cos(x))]);
    }
}

public partial class Tensor
{
    public Tensor Sin() => Ops.Sin(this);
}
