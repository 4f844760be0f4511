using Fovea.Kernels;

namespace Fovea;

public static partial class Ops
{
    /// <summary>−1, 0 or 1 by the sign of x (NaN stays NaN). The gradient is zero.</summary>
    public static Tensor Sign(Tensor x)
    {
        var y = UnaryMap<SignOp>(x);
        return Tape.Record(y, "Sign", [x], _ => [Tensor.Empty(x.Shape)]);
    }
}

public partial class Tensor
{
    public Tensor Sign() => Ops.Sign(this);
}
