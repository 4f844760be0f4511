using Fovea.Kernels;

namespace Fovea;

public static partial class Ops
{
    /// <summary>
    /// Adaptive average pooling of x [N,C,*] to the given spatial sizes (1 to 3 axes), like PyTorch: output i of an
    /// axis of size n pooled to m averages [floor(i·n/m), ceil((i+1)·n/m)). d/dx spreads g/window over each window.
    /// </summary>
    public static Tensor AdaptiveAvgPool(Tensor x, int[] outputSize) => AdaptivePoolCore(x, outputSize, max: false).values;

    /// <summary>Adaptive max pooling with PyTorch's windows (see <see cref="AdaptiveAvgPool(Tensor, int[])"/>). d/dx routes g to the chosen element.</summary>
    public static Tensor AdaptiveMaxPool(Tensor x, int[] outputSize) => AdaptivePoolCore(x, outputSize, max: true).values;

    /// <summary><see cref="AdaptiveMaxPool"/> that also returns the flat in-plane index of each chosen element, as floats.</summary>
    public static (Tensor values, Tensor indices) AdaptiveMaxPoolWithIndices(Tensor x, int[] outputSize)
    {
        var (v, i) = AdaptivePoolCore(x, outputSize, max: true);
        return (v, i!);
    }

    public static Tensor AdaptiveAvgPool1d(Tensor x, int outL) => AdaptiveAvgPool(x, [outL]);
    public static Tensor AdaptiveAvgPool2d(Tensor x, int outH, int outW) => AdaptiveAvgPool(x, [outH, outW]);
    public static Tensor AdaptiveAvgPool3d(Tensor x, int outD, int outH, int outW) => AdaptiveAvgPool(x, [outD, outH, outW]);
    public static Tensor AdaptiveMaxPool1d(Tensor x, int outL) => AdaptiveMaxPool(x, [outL]);
    public static Tensor AdaptiveMaxPool2d(Tensor x, int outH, int outW) => AdaptiveMaxPool(x, [outH, outW]);
    public static Tensor AdaptiveMaxPool3d(Tensor x, int outD, int outH, int outW) => AdaptiveMaxPool(x, [outD, outH, outW]);

    static (Tensor values, Tensor? indices) AdaptivePoolCore(Tensor x, int[] outputSize, bool max)
    {
        int dims = outputSize?.Length ?? 0;
        string op = $"Adaptive{(max ? "Max" : "Avg")}Pool{dims}d";
        var (_, planes, d, h, w) = PoolInput(op, x, dims);
        foreach (int o in outputSize!)
            if (o <= 0) throw new ArgumentException($"{op}: output sizes must be positive, got [{string.Join(",", outputSize)}].");
        for (int i = 2; i < x.Rank; i++)
            if (x.Shape[i] == 0) throw new ShapeMismatchException($"{op}: input {x.Shape} has an empty spatial axis.");
        int od = dims == 3 ? outputSize[0] : 1, oh = dims >= 2 ? outputSize[^2] : 1, ow = outputSize[^1];
        var outDims = new int[dims + 2];
        outDims[0] = x.Shape[0]; outDims[1] = x.Shape[1];
        outputSize.CopyTo(outDims, 2);
        var y = Tensor.Empty(outDims);
        int[] idx = max ? new int[y.Numel] : [];
        AdaptivePoolKernel.Forward(PoolDense(x), y.Span, idx, planes, d, h, w, od, oh, ow, max);
        Tensor? fi = null;
        if (max)
        {
            fi = Tensor.Empty(outDims);
            var f = fi.Span;
            for (int i = 0; i < idx.Length; i++) f[i] = idx[i];
        }
        var xShape = x.Shape;
        y = Tape.Record(y, op, [x], g =>
        {
            var gx = Tensor.Empty(xShape);
            if (max) MaxPoolKernel.Backward(PoolDense(g), idx, gx.Span, planes, d * h * w, od * oh * ow);
            else AdaptivePoolKernel.BackwardAvg(PoolDense(g), gx.Span, planes, d, h, w, od, oh, ow);
            return [gx];
        });
        return (y, fi);
    }
}
