using Fovea.Kernels;

namespace Fovea;

public static partial class Ops
{
    /// <summary>a − b with broadcasting. d/da = 1, d/db = −1.</summary>
    public static Tensor Sub(Tensor a, Tensor b)
    {
        var y = BinaryMap<SubOp>("Sub", a, b);
        return Tape.Record(y, "Sub", [a, b], g => [g.SumTo(a.Shape), Neg(g).SumTo(b.Shape)]);
    }

    /// <summary>a − s.</summary>
    public static Tensor Sub(Tensor a, float s) => Add(a, -s);

    /// <summary>s − a. d/da = −1.</summary>
    public static Tensor Sub(float s, Tensor a)
    {
        var ac = a.Contiguous().Detach();
        var y = Tensor.Empty(a.Shape);
        Map.BinaryScalarLeft<SubOp>(s, ac.Span, y.Span);
        return Tape.Record(y, "RSubScalar", [a], g => [Neg(g)]);
    }

    /// <summary>−x.</summary>
    public static Tensor Neg(Tensor x)
    {
        var y = UnaryMap<NegOp>(x);
        return Tape.Record(y, "Neg", [x], g => [Neg(g)]);
    }
}

public partial class Tensor
{
    public static Tensor operator -(Tensor a, Tensor b) => Ops.Sub(a, b);
    public static Tensor operator -(Tensor a, float s) => Ops.Sub(a, s);
    public static Tensor operator -(float s, Tensor a) => Ops.Sub(s, a);
    public static Tensor operator -(Tensor a) => Ops.Neg(a);
    public Tensor Sub(Tensor other) => Ops.Sub(this, other);
    public Tensor Neg() => Ops.Neg(this);
}
