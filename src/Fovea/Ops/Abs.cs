using System.Numerics.Tensors;
using Fovea.Kernels;

namespace Fovea;

public static partial class Ops
{
    /// <summary>|x| elementwise. d/dx = sign(x) (0 at 0, as in PyTorch).</summary>
    public static Tensor Abs(Tensor x)
    {
        var y = SpanUnary(x, TensorPrimitives.Abs);
        return Tape.Record(y, "Abs", [x], g => [BinaryMap<AbsGradOp>("AbsBackward", x.Detach(), g)]);
    }
}

public partial class Tensor
{
    public Tensor Abs() => Ops.Abs(this);
}
