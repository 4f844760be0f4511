namespace Fovea.NN;

/// <summary>2-D max pooling over [N,C,H,W] input, like <c>torch.nn.MaxPool2d</c>; the stride defaults to the kernel size and padding counts as −∞.</summary>
public class MaxPool2d : PoolNd
{
    public MaxPool2d(int kernelSize, int? stride = null, int padding = 0, int dilation = 1, bool ceilMode = false)
        : base("MaxPool2d", 2, [kernelSize], [stride ?? kernelSize], [padding], [dilation], ceilMode, true) { }

    /// <summary>Per-axis sizes (2 values each, or 1 for all axes).</summary>
    public MaxPool2d(int[] kernelSize, int[]? stride = null, int[]? padding = null, int[]? dilation = null, bool ceilMode = false)
        : base("MaxPool2d", 2, kernelSize, stride, padding, dilation, ceilMode, false) { }

    /// <summary>Per-axis sizes as tuples.</summary>
    public MaxPool2d((int, int) kernelSize, (int, int)? stride = null, (int, int)? padding = null, (int, int)? dilation = null, bool ceilMode = false)
        : base("MaxPool2d", 2, [kernelSize.Item1, kernelSize.Item2], stride is { } s ? [s.Item1, s.Item2] : null, padding is { } p ? [p.Item1, p.Item2] : null, dilation is { } d ? [d.Item1, d.Item2] : null, ceilMode, false) { }

    public override Tensor Forward(Tensor input) => Ops.MaxPool(CheckInput(input), KernelSize, Stride, Padding, Dilation, CeilMode);

    protected override string ExtraRepr() =>
        $"kernel_size={Fmt(KernelSize)}, stride={Fmt(Stride)}, padding={Fmt(Padding)}, dilation={Fmt(Dilation)}, ceil_mode={Repr.Bool(CeilMode)}";
}
