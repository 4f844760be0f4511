namespace Fovea;

public static partial class Ops
{
    /// <summary>
    /// eˣ / Σ eˣ along <paramref name="axis"/>, computed stably in one fused kernel. Backward (hand-written):
    /// dx = y · (g − Σ g·y).
    /// </summary>
    public static Tensor Softmax(Tensor x, int axis) => SoftmaxCore(x, axis, log: false, "Softmax");

    internal static Tensor SoftmaxCore(Tensor x, int axis, bool log, string op)
    {
        int ax = NormAxis0(axis, x.Rank, op);
        var (outer, n, inner) = AxisSplit(x.Shape, ax);
        var y = Tensor.Empty(x.Shape);
        Kernels.Softmax.Forward(Dense(x), outer, n, inner, y.Span, log);
        return Tape.Record(y, op, [x], g =>
        {
            var dx = Tensor.Empty(x.Shape);
            Kernels.Softmax.Backward(y.Span, Dense(g), outer, n, inner, dx.Span, log);
            return [dx];
        });
    }
}

public partial class Tensor
{
    public Tensor Softmax(int axis) => Ops.Softmax(this, axis);
}
