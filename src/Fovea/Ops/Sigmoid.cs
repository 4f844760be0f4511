using System.Numerics.Tensors;
using Fovea.Kernels;

namespace Fovea;

public static partial class Ops
{
    /// <summary>1 / (1 + e⁻ˣ) elementwise. d/dx = y(1 − y).</summary>
    public static Tensor Sigmoid(Tensor x)
    {
        var y = SpanUnary(x, TensorPrimitives.Sigmoid);
        return Tape.Record(y, "Sigmoid", [x], g => [BinaryMap<SigmoidGradOp>("SigmoidBackward", y, g)]);
    }
}

public partial class Tensor
{
    public Tensor Sigmoid() => Ops.Sigmoid(this);
}
