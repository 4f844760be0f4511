using System.Numerics.Tensors;
using Fovea.Kernels;

namespace Fovea;

public static partial class Ops
{
    /// <summary>tanh(x) elementwise. d/dx = 1 − y².</summary>
    public static Tensor Tanh(Tensor x)
    {
        var y = SpanUnary(x, TensorPrimitives.Tanh);
        return Tape.Record(y, "Tanh", [x], g => [BinaryMap<TanhGradOp>("TanhBackward", y, g)]);
    }
}

public partial class Tensor
{
    public Tensor Tanh() => Ops.Tanh(this);
}
