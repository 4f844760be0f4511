namespace Fovea.NN;

/// <summary>
/// 1-D average pooling over [N,C,L] input, like <c>torch.nn.AvgPool1d</c>; the stride defaults to the kernel size.
/// countIncludePad: whether zero padding counts in the divisor.
/// </summary>
public class AvgPool1d : PoolNd
{
    public bool CountIncludePad { get; }
    public int? DivisorOverride { get; }

    public AvgPool1d(int kernelSize, int? stride = null, int padding = 0, bool ceilMode = false, bool countIncludePad = true)
        : base("AvgPool1d", 1, [kernelSize], [stride ?? kernelSize], [padding], null, ceilMode, true)
    {
        CountIncludePad = countIncludePad;
        DivisorOverride = CheckDivisor(null);
    }

    /// <summary>Per-axis sizes (1 values each, or 1 for all axes).</summary>
    public AvgPool1d(int[] kernelSize, int[]? stride = null, int[]? padding = null, bool ceilMode = false, bool countIncludePad = true)
        : base("AvgPool1d", 1, kernelSize, stride, padding, null, ceilMode, false)
    {
        CountIncludePad = countIncludePad;
        DivisorOverride = CheckDivisor(null);
    }

    static int? CheckDivisor(int? d) => d is <= 0 ? throw new ArgumentException($"AvgPool1d: divisor_override={d} must be positive.") : d;

    public override Tensor Forward(Tensor input) => Ops.AvgPool(CheckInput(input), KernelSize, Stride, Padding, CeilMode, CountIncludePad, DivisorOverride);

    protected override string ExtraRepr() => $"kernel_size={Fmt(KernelSize)}, stride={Fmt(Stride)}, padding={Fmt(Padding)}";
}
