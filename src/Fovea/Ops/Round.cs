using System.Numerics.Tensors;

namespace Fovea;

public static partial class Ops
{
    /// <summary>The nearest integer, halves to even (as torch.round). The gradient is zero.</summary>
    public static Tensor Round(Tensor x)
    {
        var y = SpanUnary(x, TensorPrimitives.Round);
        return Tape.Record(y, "Round", [x], _ => [Tensor.Empty(x.Shape)]);
    }
}

public partial class Tensor
{
    public Tensor Round() => Ops.Round(this);
}
