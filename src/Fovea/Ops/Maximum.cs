using Fovea.Kernels;

namespace Fovea;

public static partial class Ops
{
    /// <summary>Elementwise max(a, b) with broadcasting. The gradient goes to the larger operand, split ½/½ on ties (as PyTorch).</summary>
    public static Tensor Maximum(Tensor a, Tensor b)
    {
        var y = BinaryMap<MaximumOp>("Maximum", a, b);
        return Tape.Record(y, "Maximum", [a, b], g => ExtremumGrads(a, b, g, max: true));
    }

    /// <summary>Elementwise min(a, b) with broadcasting. The gradient goes to the smaller operand, split ½/½ on ties.</summary>
    public static Tensor Minimum(Tensor a, Tensor b)
    {
        var y = BinaryMap<MinimumOp>("Minimum", a, b);
        return Tape.Record(y, "Minimum", [a, b], g => ExtremumGrads(a, b, g, max: false));
    }

    static Tensor?[] ExtremumGrads(Tensor a, Tensor b, Tensor g, bool max)
    {
        var ad = a.Detach();
        var bd = b.Detach();
        // share of a: 1 where a wins, ½ on ties; b gets the rest (1 − share), which is also ½ on ties.
        var share = max ? BinaryMap<MaxShareOp>("Maximum", ad, bd) : BinaryMap<MaxShareOp>("Minimum", bd, ad);
        return [
            a.RequiresGrad ? Mul(g, share).SumTo(a.Shape) : null,
            b.RequiresGrad ? Mul(g, Sub(1f, share)).SumTo(b.Shape) : null];
    }
}

public partial class Tensor
{
    public Tensor Maximum(Tensor other) => Ops.Maximum(this, other);
    public Tensor Minimum(Tensor other) => Ops.Minimum(this, other);
}
