using Fovea.Kernels;

namespace Fovea;

public static partial class Ops
{
    /// <summary>
    /// Average pooling over the 1, 2 or 3 spatial axes of x [N,C,*], like <c>torch.nn.functional.avg_pool{1,2,3}d</c>:
    /// the divisor is the window clipped to the padded input (countIncludePad) or to the input, or
    /// <paramref name="divisorOverride"/>. d/dx spreads each output's gradient over its window divided by the same divisor.
    /// </summary>
    public static Tensor AvgPool(Tensor x, int[] kernel, int[]? stride, int[]? padding, bool ceilMode, bool countIncludePad, int? divisorOverride = null)
    {
        string op = $"AvgPool{kernel?.Length ?? 0}d";
        if (divisorOverride is int dv && dv <= 0) throw new ArgumentException($"{op}: divisorOverride must be positive, got {dv}.");
        var (geo, planes, outDims) = PoolSetup(op, x, kernel!, stride, padding, null, ceilMode);
        int div = divisorOverride ?? 0;
        var y = Tensor.Empty(outDims);
        AvgPoolKernel.Forward(PoolDense(x), y.Span, planes, geo, countIncludePad, div);
        var xShape = x.Shape;
        return Tape.Record(y, op, [x], g =>
        {
            var gx = Tensor.Empty(xShape);
            AvgPoolKernel.Backward(PoolDense(g), gx.Span, planes, geo, countIncludePad, div);
            return [gx];
        });
    }

    /// <summary>1-D average pooling of [N,C,L]; stride defaults to the kernel.</summary>
    public static Tensor AvgPool1d(Tensor x, int kernel, int? stride = null, int padding = 0, bool ceilMode = false, bool countIncludePad = true)
        => AvgPool(x, [kernel], [stride ?? kernel], [padding], ceilMode, countIncludePad);

    /// <summary>2-D average pooling of [N,C,H,W] with a square window; stride defaults to the kernel.</summary>
    public static Tensor AvgPool2d(Tensor x, int kernel, int? stride = null, int padding = 0, bool ceilMode = false, bool countIncludePad = true, int? divisorOverride = null)
        => AvgPool(x, [kernel, kernel], [stride ?? kernel, stride ?? kernel], [padding, padding], ceilMode, countIncludePad, divisorOverride);

    /// <summary>3-D average pooling of [N,C,D,H,W] with a cubic window; stride defaults to the kernel.</summary>
    public static Tensor AvgPool3d(Tensor x, int kernel, int? stride = null, int padding = 0, bool ceilMode = false, bool countIncludePad = true, int? divisorOverride = null)
        => AvgPool(x, [kernel, kernel, kernel], [stride ?? kernel, stride ?? kernel, stride ?? kernel], [padding, padding, padding], ceilMode, countIncludePad, divisorOverride);
}

public partial class Tensor
{
    public Tensor AvgPool2d(int kernel, int? stride = null, int padding = 0, bool ceilMode = false, bool countIncludePad = true)
        => Ops.AvgPool2d(this, kernel, stride, padding, ceilMode, countIncludePad);
}
