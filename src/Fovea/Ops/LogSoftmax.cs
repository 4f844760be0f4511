namespace Fovea;

public static partial class Ops
{
    /// <summary>
    /// x − log Σ eˣ along <paramref name="axis"/>, computed stably in one fused kernel. Backward (hand-written):
    /// dx = g − eʸ · Σ g.
    /// </summary>
    public static Tensor LogSoftmax(Tensor x, int axis) => SoftmaxCore(x, axis, log: true, "LogSoftmax");
}

public partial class Tensor
{
    public Tensor LogSoftmax(int axis) => Ops.LogSoftmax(this, axis);
}
