namespace Fovea.NN;

/// <summary>1-D max pooling over [N,C,L] input, like <c>torch.nn.MaxPool1d</c>; the stride defaults to the kernel size and padding counts as −∞.</summary>
public class MaxPool1d : PoolNd
{
    public MaxPool1d(int kernelSize, int? stride = null, int padding = 0, int dilation = 1, bool ceilMode = false)
        : base("MaxPool1d", 1, [kernelSize], [stride ?? kernelSize], [padding], [dilation], ceilMode, true) { }

    /// <summary>Per-axis sizes (1 values each, or 1 for all axes).</summary>
    public MaxPool1d(int[] kernelSize, int[]? stride = null, int[]? padding = null, int[]? dilation = null, bool ceilMode = false)
        : base("MaxPool1d", 1, kernelSize, stride, padding, dilation, ceilMode, false) { }

    public override Tensor Forward(Tensor input) => Ops.MaxPool(CheckInput(input), KernelSize, Stride, Padding, Dilation, CeilMode);

    protected override string ExtraRepr() =>
        $"kernel_size={Fmt(KernelSize)}, stride={Fmt(Stride)}, padding={Fmt(Padding)}, dilation={Fmt(Dilation)}, ceil_mode={Repr.Bool(CeilMode)}";
}
