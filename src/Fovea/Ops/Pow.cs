using System.Numerics.Tensors;
using Fovea.Kernels;

namespace Fovea;

public static partial class Ops
{
    /// <summary>xᵖ elementwise. d/dx = p·xᵖ⁻¹ (0 for p = 0).</summary>
    public static Tensor Pow(Tensor x, float p)
    {
        Tensor y;
        if (p == 2) y = UnaryMap<SquareOp>(x);
        else
        {
            var xs = Dense(x);
            y = Tensor.Empty(x.Shape);
            TensorPrimitives.Pow(xs, p, y.Span);
        }
        return Tape.Record(y, "Pow", [x], g =>
        {
            if (p == 0) return [Tensor.Empty(x.Shape)];
            if (p == 1) return [g];
            if (p == 2) return [Mul(g, Mul(x.Detach(), 2f))];
            var d = Tensor.Empty(x.Shape);
            TensorPrimitives.Pow(Dense(x), p - 1, d.Span);
            TensorPrimitives.Multiply(d.Span, p, d.Span);
            return [Mul(g, d)];
        });
    }

    /// <summary>
    /// xᵖ elementwise with broadcasting. d/dx = p·xᵖ⁻¹, d/dp = xᵖ·ln x (taken as 0 where x = 0).
    /// </summary>
    public static Tensor Pow(Tensor x, Tensor p)
    {
        var y = BinaryMap<PowOp>("Pow", x, p);
        return Tape.Record(y, "Pow", [x, p], g =>
        {
            var xd = x.Detach();
            var pd = p.Detach();
            return [
                x.RequiresGrad ? Mul(g, Mul(pd, BinaryMap<PowOp>("PowBackward", xd, Add(pd, -1f)))).SumTo(x.Shape) : null,
                p.RequiresGrad ? Mul(g, BinaryMap<PowExponentGradOp>("PowBackward", xd, y)).SumTo(p.Shape) : null];
        });
    }
}

public partial class Tensor
{
    public Tensor Pow(float p) => Ops.Pow(this, p);
    public Tensor Pow(Tensor p) => Ops.Pow(this, p);
}
