using System.Numerics.Tensors;

namespace Fovea;

public static partial class Ops
{
    /// <summary>The largest integer ≤ x. The gradient is zero.</summary>
    public static Tensor Floor(Tensor x)
    {
        var y = SpanUnary(x, TensorPrimitives.Floor);
        return Tape.Record(y, "Floor", [x], _ => [Tensor.Empty(x.Shape)]);
    }
}

public partial class Tensor
{
    public Tensor Floor() => Ops.Floor(this);
}
