using Fovea.Kernels;

namespace Fovea;

public static partial class Ops
{
    /// <summary>a · b elementwise with broadcasting. d/da = b, d/db = a.</summary>
    public static Tensor Mul(Tensor a, Tensor b)
    {
        var y = BinaryMap<MulOp>("Mul", a, b);
        return Tape.Record(y, "Mul", [a, b], g => [
            a.RequiresGrad ? Mul(g, b.Detach()).SumTo(a.Shape) : null,
            b.RequiresGrad ? Mul(g, a.Detach()).SumTo(b.Shape) : null]);
    }

    /// <summary>a · s.</summary>
    public static Tensor Mul(Tensor a, float s)
    {
        var ac = a.Contiguous().Detach();
        var y = Tensor.Empty(a.Shape);
        Map.BinaryScalarRight<MulOp>(ac.Span, s, y.Span);
        return Tape.Record(y, "MulScalar", [a], g => [Mul(g, s)]);
    }
}

public partial class Tensor
{
    public static Tensor operator *(Tensor a, Tensor b) => Ops.Mul(a, b);
    public static Tensor operator *(Tensor a, float s) => Ops.Mul(a, s);
    public static Tensor operator *(float s, Tensor a) => Ops.Mul(a, s);
    public Tensor Mul(Tensor other) => Ops.Mul(this, other);
}
