using Fovea.Kernels;

namespace Fovea;

public static partial class Ops
{
    /// <summary>x² elementwise. d/dx = 2x.</summary>
    public static Tensor Square(Tensor x)
    {
        var y = UnaryMap<SquareOp>(x);
        return Tape.Record(y, "Square", [x], g => [Mul(g, Mul(x.Detach(), 2f))]);
    }
}

public partial class Tensor
{
    public Tensor Square() => Ops.Square(this);
}
