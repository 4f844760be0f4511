using Fovea.Kernels;

namespace Fovea;

public static partial class Ops
{
    /// <summary>a / b elementwise with broadcasting. d/da = 1/b, d/db = −a/b².</summary>
    public static Tensor Div(Tensor a, Tensor b)
    {
        var y = BinaryMap<DivOp>("Div", a, b);
        return Tape.Record(y, "Div", [a, b], g =>
        {
            var bd = b.Detach();
            return [
                a.RequiresGrad ? Div(g, bd).SumTo(a.Shape) : null,
                b.RequiresGrad ? Neg(Div(Mul(g, y), bd)).SumTo(b.Shape) : null];
        });
    }

    /// <summary>a / s.</summary>
    public static Tensor Div(Tensor a, float s) => Mul(a, 1f / s);

    /// <summary>s / a. d/da = −s/a².</summary>
    public static Tensor Div(float s, Tensor a)
    {
        var ac = a.Contiguous().Detach();
        var y = Tensor.Empty(a.Shape);
        Map.BinaryScalarLeft<DivOp>(s, ac.Span, y.Span);
        return Tape.Record(y, "RDivScalar", [a], g => [Neg(Div(Mul(g, y), ac))]);
    }
}

public partial class Tensor
{
    public static Tensor operator /(Tensor a, Tensor b) => Ops.Div(a, b);
    public static Tensor operator /(Tensor a, float s) => Ops.Div(a, s);
    public static Tensor operator /(float s, Tensor a) => Ops.Div(s, a);
    public Tensor Div(Tensor other) => Ops.Div(this, other);
}
