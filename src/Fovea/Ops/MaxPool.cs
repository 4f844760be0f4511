using Fovea.Kernels;

namespace Fovea;

public static partial class Ops
{
    /// <summary>
    /// Max pooling over the 1, 2 or 3 spatial axes of x [N,C,*] (as many as <paramref name="kernel"/> has values),
    /// like <c>torch.nn.functional.max_pool{1,2,3}d</c>: stride defaults to the kernel (null or empty), padding is
    /// -inf and at most half the kernel, ceil_mode rounds the output size up as long as the last window starts
    /// inside the input or the left padding. d/dx routes each output's gradient to the element it chose.
    /// </summary>
    public static Tensor MaxPool(Tensor x, int[] kernel, int[]? stride, int[]? padding, int[]? dilation, bool ceilMode)
        => MaxPoolCore(x, kernel, stride, padding, dilation, ceilMode, wantIndices: false).values;

    /// <summary>
    /// <see cref="MaxPool"/> that also returns, per output, the flat index of the chosen element within its
    /// input plane (d·H·W + h·W + w), as floats, like PyTorch's return_indices (for unpooling or LRP).
    /// </summary>
    public static (Tensor values, Tensor indices) MaxPoolWithIndices(Tensor x, int[] kernel, int[]? stride, int[]? padding, int[]? dilation, bool ceilMode)
    {
        var (v, i) = MaxPoolCore(x, kernel, stride, padding, dilation, ceilMode, wantIndices: true);
        return (v, i!);
    }

    static (Tensor values, Tensor? indices) MaxPoolCore(Tensor x, int[] kernel, int[]? stride, int[]? padding, int[]? dilation, bool ceilMode, bool wantIndices)
    {
        string op = $"MaxPool{kernel?.Length ?? 0}d";
        var (geo, planes, outDims) = PoolSetup(op, x, kernel!, stride, padding, dilation, ceilMode);
        if (!wantIndices && Is2x2(geo)) return (MaxPool2x2(op, x, planes, geo, outDims), null);
        if (!wantIndices && geo.InD == 1 && !Tape.Needs(x))
        {
            // Inference: values only, no index buffer.
            var v = Tensor.Uninitialized(new Shape(outDims));
            MaxPoolKernel.ForwardValues(PoolDense(x), v.Span, planes, geo);
            return (v, null);
        }
        var y = Tensor.Empty(outDims);
        var idx = new int[y.Numel];
        MaxPoolKernel.Forward(PoolDense(x), y.Span, idx, planes, geo);
        Tensor? fi = null;
        if (wantIndices)
        {
            fi = Tensor.Empty(outDims);
            var f = fi.Span;
            for (int i = 0; i < idx.Length; i++) f[i] = idx[i];
        }
        var xShape = x.Shape;
        y = Tape.Record(y, op, [x], g =>
        {
            var gx = Tensor.Empty(xShape);
            MaxPoolKernel.Backward(PoolDense(g), idx, gx.Span, planes, geo.InPlane, geo.OutPlane);
            return [gx];
        });
        return (y, fi);
    }

    // 2x2 windows, stride 2, no padding, no dilation, and no partial window (floor mode, or even sizes).
    static bool Is2x2(PoolGeometry g) =>
        g.KD == 1 && g.SD == 1 && g.PD == 0 && g.KH == 2 && g.KW == 2 && g.SH == 2 && g.SW == 2 && g.PH == 0 && g.PW == 0
        && g.DH == 1 && g.DW == 1 && g.InD == 1 && g.OutH == g.InH / 2 && g.OutW == g.InW / 2;

    // No index buffer: the backward finds each window's chosen element again from the saved input and output.
    static Tensor MaxPool2x2(string op, Tensor x, int planes, PoolGeometry geo, int[] outDims)
    {
        var xd = DetachedDense(x);
        var y = Tensor.Uninitialized(new Shape(outDims));
        MaxPool2x2Kernel.Forward(xd.Span, y.Span, planes, geo.InH, geo.InW);
        var xShape = x.Shape;
        return Tape.Record(y, op, [x], g =>
        {
            var gx = GradPool.Rent(xShape);
            MaxPool2x2Kernel.Backward(xd.Span, y.Span, PoolDense(g), gx.Span, planes, geo.InH, geo.InW);
            return [gx];
        });
    }

    /// <summary>1-D max pooling of [N,C,L]; stride defaults to the kernel.</summary>
    public static Tensor MaxPool1d(Tensor x, int kernel, int? stride = null, int padding = 0, int dilation = 1, bool ceilMode = false)
        => MaxPool(x, [kernel], [stride ?? kernel], [padding], [dilation], ceilMode);

    /// <summary>2-D max pooling of [N,C,H,W] with a square window; stride defaults to the kernel.</summary>
    public static Tensor MaxPool2d(Tensor x, int kernel, int? stride = null, int padding = 0, int dilation = 1, bool ceilMode = false)
        => MaxPool(x, [kernel, kernel], [stride ?? kernel, stride ?? kernel], [padding, padding], [dilation, dilation], ceilMode);

    /// <summary>3-D max pooling of [N,C,D,H,W] with a cubic window; stride defaults to the kernel.</summary>
    public static Tensor MaxPool3d(Tensor x, int kernel, int? stride = null, int padding = 0, int dilation = 1, bool ceilMode = false)
        => MaxPool(x, [kernel, kernel, kernel], [stride ?? kernel, stride ?? kernel, stride ?? kernel], [padding, padding, padding], [dilation, dilation, dilation], ceilMode);
}

public partial class Tensor
{
    public Tensor MaxPool2d(int kernel, int? stride = null, int padding = 0, int dilation = 1, bool ceilMode = false)
        => Ops.MaxPool2d(this, kernel, stride, padding, dilation, ceilMode);
}
