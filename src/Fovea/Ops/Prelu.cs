using Fovea.Kernels;

namespace Fovea;

public static partial class Ops
{
    /// <summary>
    /// x for x &gt; 0, w·x otherwise, with one weight shared (size 1) or one per channel (size C on axis 1).
    /// d/dx = 1 or w; d/dw = Σ g·min(x, 0) over everything but the channel axis.
    /// </summary>
    public static Tensor Prelu(Tensor x, Tensor weight)
    {
        int c = x.Rank >= 2 ? x.Shape[1] : 1;
        if (weight.Numel != 1 && weight.Numel != c)
            throw new ShapeMismatchException($"Prelu: weight {weight.Shape} must have 1 or {c} elements (the channels on axis 1 of {x.Shape}).");
        int[] wDims;
        if (weight.Numel == 1) wDims = [];
        else
        {
            wDims = new int[x.Rank - 1];
            Array.Fill(wDims, 1);
            wDims[0] = c;
        }
        var wb = new Tensor(Dense(weight).ToArray(), Shape.Own(wDims));
        var y = BinaryMap<PreluOp>("Prelu", x, wb);
        return Tape.Record(y, "Prelu", [x, weight], g =>
        {
            var xd = x.Detach();
            return [
                x.RequiresGrad ? Mul(g, BinaryMap<PreluSlopeOp>("Prelu", xd, wb)) : null,
                weight.RequiresGrad ? Reshape(Mul(g, UnaryMap<NegPartOp>(xd)).SumTo(wb.Shape), weight.Shape.Dims) : null];
        });
    }
}

public partial class Tensor
{
    public Tensor Prelu(Tensor weight) => Ops.Prelu(this, weight);
}
