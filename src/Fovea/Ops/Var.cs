namespace Fovea;

public static partial class Ops
{
    /// <summary>
    /// Variance over <paramref name="axes"/>: Σ(x − mean)² / max(0, N − correction) (correction 1 = unbiased, as in
    /// PyTorch). Composite of primitives, so its gradient is 2(x − mean)/(N − correction).
    /// </summary>
    public static Tensor Var(Tensor x, int[] axes, bool keepDim = false, int correction = 1)
    {
        ArgumentNullException.ThrowIfNull(axes);
        _ = ReducedShapes("Var", x.Shape, axes, keepDim);
        int count = 1;
        if (x.Rank > 0) foreach (int a in axes) count *= x.Shape[Shape.NormAxis(a, x.Rank, "Var")];
        var centered = Sub(x, Mean(x, axes, keepDim: true));
        return Div(Sum(Square(centered), axes, keepDim), Math.Max(0, count - correction));
    }

    /// <summary>Variance over one axis.</summary>
    public static Tensor Var(Tensor x, int axis, bool keepDim = false, int correction = 1) => Var(x, [axis], keepDim, correction);

    /// <summary>Standard deviation: √Var. Where it is 0 the gradient is taken as 0 (as PyTorch does), not NaN.</summary>
    public static Tensor Std(Tensor x, int[] axes, bool keepDim = false, int correction = 1)
    {
        var v = Var(x, axes, keepDim, correction);
        var y = SpanUnary(v, System.Numerics.Tensors.TensorPrimitives.Sqrt);
        return Tape.Record(y, "Std", [v], g => [Where(Ne(y, 0f), Div(Mul(g, 0.5f), y), Tensor.Scalar(0f))]);
    }

    /// <summary>Standard deviation over one axis.</summary>
    public static Tensor Std(Tensor x, int axis, bool keepDim = false, int correction = 1) => Std(x, [axis], keepDim, correction);
}

public partial class Tensor
{
    public Tensor Var(int[] axes, bool keepDim = false, int correction = 1) => Ops.Var(this, axes, keepDim, correction);
    public Tensor Var(int axis, bool keepDim = false, int correction = 1) => Ops.Var(this, axis, keepDim, correction);
    public Tensor Std(int[] axes, bool keepDim = false, int correction = 1) => Ops.Std(this, axes, keepDim, correction);
    public Tensor Std(int axis, bool keepDim = false, int correction = 1) => Ops.Std(this, axis, keepDim, correction);
}
