using Fovea.Kernels;

namespace Fovea;

public static partial class Ops
{
    /// <summary>Running sum along <paramref name="axis"/>. d/dx: the reversed running sum of g.</summary>
    public static Tensor CumSum(Tensor x, int axis)
    {
        int ax = NormAxis0(axis, x.Rank, "CumSum");
        var (outer, n, inner) = AxisSplit(x.Shape, ax);
        var y = Tensor.Empty(x.Shape);
        Scan.CumSumMiddle(Dense(x), outer, n, inner, y.Span);
        return Tape.Record(y, "CumSum", [x], g =>
        {
            var d = Tensor.Empty(x.Shape);
            Scan.CumSumMiddle(Dense(g), outer, n, inner, d.Span, reverse: true);
            return [d];
        });
    }
}

public partial class Tensor
{
    public Tensor CumSum(int axis) => Ops.CumSum(this, axis);
}
