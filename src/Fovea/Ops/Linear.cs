using System.Numerics.Tensors;
using Fovea.Kernels;

namespace Fovea;

public static partial class Ops
{
    /// <summary>
    /// y = x·Wᵀ + b over the last axis, like <c>torch.nn.functional.linear</c>: x [*, in], weight [out, in], bias [out]
    /// or null → y [*, out]. One GEMM with the bias added in its epilogue. d/dx = g·W, d/dW = gᵀ·x (over all
    /// leading axes), d/db = Σ g over all leading axes.
    /// </summary>
    public static Tensor Linear(Tensor x, Tensor weight, Tensor? bias = null) => Linear(x, weight, bias, GemmActivation.None);

    /// <summary>
    /// <see cref="Linear(Tensor, Tensor, Tensor?)"/> followed by <paramref name="act"/>, applied in the product's
    /// epilogue when nothing is recorded (under <see cref="Autograd.NoGrad"/>); with autograd on, the two recorded ops.
    /// </summary>
    internal static Tensor Linear(Tensor x, Tensor weight, Tensor? bias, GemmActivation act)
    {
        if (act != GemmActivation.None && Autograd.IsEnabled) return Relu(Linear(x, weight, bias, GemmActivation.None));
        if (weight.Rank != 2) throw new ShapeMismatchException($"Linear: weight must be [out,in], got {weight.Shape}.");
        int outF = weight.Shape[0], inF = weight.Shape[1];
        if (x.Rank < 1 || x.Shape[-1] != inF)
            throw new ShapeMismatchException($"Linear: input {x.Shape} has {(x.Rank < 1 ? 0 : x.Shape[-1])} features on its last axis, weight {weight.Shape} expects {inF}.");
        if (bias is not null && (bias.Rank != 1 || bias.Shape[0] != outF))
            throw new ShapeMismatchException($"Linear: bias must be [{outF}], got {bias.Shape}.");
        int rows = 1;
        for (int i = 0; i < x.Rank - 1; i++) rows *= x.Shape[i];
        var outDims = x.Shape.ToArray();
        outDims[^1] = outF;
        var xd = DetachedDense(x);
        var wd = DetachedDense(weight);
        var bd = bias is null ? null : DetachedDense(bias);
        var y = inF > 0 ? Tensor.Uninitialized(new Shape(outDims)) : Tensor.Empty(new Shape(outDims));   // the kernels write every element
        if (rows > 0 && outF > 0)
        {
            if (inF == 0) { if (bd is not null) for (int r = 0; r < rows; r++) bd.Span.CopyTo(y.Span.Slice(r * outF, outF)); }
            else if (rows <= GemvRows) Gemv.Run(xd.Span, wd.Span, bd is null ? default : bd.Span, y.Span, rows, outF, inF, act);
            else Gemm.Sgemm(false, true, rows, outF, inF, 1f, xd.Span, inF, wd.Span, inF, 0f, y.Span, outF,
                default, bd is null ? default : bd.Span, act);
        }
        if (act != GemmActivation.None)   // autograd is off here
        {
            if (inF == 0) Map.Unary<ReluOp>(y.Span, y.Span);
            return y;
        }
        var xShape = x.Shape;
        return Tape.Record(y, "Linear", [x, weight, bias], g =>
        {
            var gd = g.IsContiguous ? g : ContiguousCopy(g);
            Tensor? gx = null, gw = null, gb = null;
            if (x.RequiresGrad)
            {
                gx = GradPool.Rent(xShape);
                if (rows > 0 && inF > 0)
                {
                    if (outF == 0) gx.Span.Clear();
                    else Gemm.Sgemm(false, false, rows, inF, outF, 1f, gd.Span, outF, wd.Span, inF, 0f, gx.Span, inF);
                }
            }
            if (weight.RequiresGrad)
            {
                gw = GradPool.Rent(weight.Shape);
                if (outF > 0 && inF > 0)
                {
                    if (rows == 0) gw.Span.Clear();
                    else Gemm.Sgemm(true, false, outF, inF, rows, 1f, gd.Span, outF, xd.Span, inF, 0f, gw.Span, inF);
                }
            }
            if (bias is { RequiresGrad: true })
            {
                gb = GradPool.Rent(bias.Shape);
                var acc = gb.Span;
                acc.Clear();
                var gs = gd.Span;
                for (int r = 0; r < rows; r++) TensorPrimitives.Add(acc, gs.Slice(r * outF, outF), acc);
            }
            return [gx, gw, gb];
        });
    }

    // Up to this many rows (a single sample, or two) a product is a few dot products: GEMM would pack the whole weight
    // to use it once.
    const int GemvRows = 2;
}
