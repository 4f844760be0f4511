namespace Fovea.NN;

/// <summary>3-D max pooling over [N,C,D,H,W] input, like <c>torch.nn.MaxPool3d</c>; the stride defaults to the kernel size and padding counts as −∞.</summary>
public class MaxPool3d : PoolNd
{
    public MaxPool3d(int kernelSize, int? stride = null, int padding = 0, int dilation = 1, bool ceilMode = false)
        : base("MaxPool3d", 3, [kernelSize], [stride ?? kernelSize], [padding], [dilation], ceilMode, true) { }

    /// <summary>Per-axis sizes (3 values each, or 1 for all axes).</summary>
    public MaxPool3d(int[] kernelSize, int[]? stride = null, int[]? padding = null, int[]? dilation = null, bool ceilMode = false)
        : base("MaxPool3d", 3, kernelSize, stride, padding, dilation, ceilMode, false) { }

    /// <summary>Per-axis sizes as tuples.</summary>
    public MaxPool3d((int, int, int) kernelSize, (int, int, int)? stride = null, (int, int, int)? padding = null, (int, int, int)? dilation = null, bool ceilMode = false)
        : base("MaxPool3d", 3, [kernelSize.Item1, kernelSize.Item2, kernelSize.Item3], stride is { } s ? [s.Item1, s.Item2, s.Item3] : null, padding is { } p ? [p.Item1, p.Item2, p.Item3] : null, dilation is { } d ? [d.Item1, d.Item2, d.Item3] : null, ceilMode, false) { }

    public override Tensor Forward(Tensor input) => Ops.MaxPool(CheckInput(input), KernelSize, Stride, Padding, Dilation, CeilMode);

    protected override string ExtraRepr() =>
        $"kernel_size={Fmt(KernelSize)}, stride={Fmt(Stride)}, padding={Fmt(Padding)}, dilation={Fmt(Dilation)}, ceil_mode={Repr.Bool(CeilMode)}";
}
