using Fovea.Kernels;

namespace Fovea;

public static partial class Ops
{
    /// <summary>
    /// Layer normalisation over the trailing axes given by <paramref name="normalizedShape"/>, like
    /// <c>torch.nn.functional.layer_norm</c>: each slice is normalised with its own mean and biased variance, then
    /// multiplied elementwise by weight and shifted by bias (both of normalizedShape, optional). Fused kernel with a
    /// closed-form backward: d/dx = rstd·(ĝ - mean(ĝ) - x̂·mean(ĝ·x̂)), ĝ = g·w; d/dw = Σ g·x̂; d/db = Σ g.
    /// </summary>
    public static Tensor LayerNorm(Tensor x, int[] normalizedShape, Tensor? weight, Tensor? bias, float eps = 1e-5f)
    {
        const string op = "LayerNorm";
        ArgumentNullException.ThrowIfNull(normalizedShape);
        int k = normalizedShape.Length;
        if (k == 0 || k > x.Rank || !x.Shape.Dims.AsSpan(x.Rank - k).SequenceEqual(normalizedShape))
            throw new ShapeMismatchException($"{op}: input {x.Shape} does not end with the normalized shape {Shape.Format(normalizedShape)}.");
        CheckNormParam(op, "weight", weight, normalizedShape, x.Shape);
        CheckNormParam(op, "bias", bias, normalizedShape, x.Shape);
        int d = 1;
        foreach (int v in normalizedShape) d *= v;
        int rows = d == 0 ? 0 : x.Numel / d;
        return RowNorm(op, x, rows, d, weight, bias, RowAffine.Elementwise, eps);
    }

    /// <summary>Runs the row-normalisation kernel and records its backward (shared by layer, group and instance norm).</summary>
    internal static Tensor RowNorm(string op, Tensor x, int rows, int d, Tensor? weight, Tensor? bias, RowAffine affine, float eps)
    {
        var xd = DetachedDense(x);
        var y = Tensor.Empty(x.Shape);
        var mean = new float[rows];
        var rstd = new float[rows];
        if (d > 0) RowNormKernel.Forward(xd.Span, y.Span, rows, d, NormSpan(weight), NormSpan(bias), affine, eps, mean, rstd);
        return Tape.Record(y, op, [x, weight, bias], g =>
        {
            var gx = x.RequiresGrad ? Tensor.Empty(x.Shape) : null;
            var gw = weight is { RequiresGrad: true } ? Tensor.Empty(weight.Shape) : null;
            var gb = bias is { RequiresGrad: true } ? Tensor.Empty(bias.Shape) : null;
            if (d > 0)
                RowNormKernel.Backward(PoolDense(g), xd.Span, rows, d, NormSpan(weight), affine, mean, rstd,
                    gx is null ? Span<float>.Empty : gx.Span, gw is null ? Span<float>.Empty : gw.Span, gb is null ? Span<float>.Empty : gb.Span);
            return [gx, gw, gb];
        });
    }
}

public partial class Tensor
{
    public Tensor LayerNorm(int[] normalizedShape, Tensor? weight = null, Tensor? bias = null, float eps = 1e-5f)
        => Ops.LayerNorm(this, normalizedShape, weight, bias, eps);
}
