namespace Fovea.NN;

/// <summary>
/// 3-D average pooling over [N,C,D,H,W] input, like <c>torch.nn.AvgPool3d</c>; the stride defaults to the kernel size.
/// countIncludePad: whether zero padding counts in the divisor; divisorOverride replaces the divisor.
/// </summary>
public class AvgPool3d : PoolNd
{
    public bool CountIncludePad { get; }
    public int? DivisorOverride { get; }

    public AvgPool3d(int kernelSize, int? stride = null, int padding = 0, bool ceilMode = false, bool countIncludePad = true, int? divisorOverride = null)
        : base("AvgPool3d", 3, [kernelSize], [stride ?? kernelSize], [padding], null, ceilMode, true)
    {
        CountIncludePad = countIncludePad;
        DivisorOverride = CheckDivisor(divisorOverride);
    }

    /// <summary>Per-axis sizes (3 values each, or 1 for all axes).</summary>
    public AvgPool3d(int[] kernelSize, int[]? stride = null, int[]? padding = null, bool ceilMode = false, bool countIncludePad = true, int? divisorOverride = null)
        : base("AvgPool3d", 3, kernelSize, stride, padding, null, ceilMode, false)
    {
        CountIncludePad = countIncludePad;
        DivisorOverride = CheckDivisor(divisorOverride);
    }

    /// <summary>Per-axis sizes as tuples.</summary>
    public AvgPool3d((int, int, int) kernelSize, (int, int, int)? stride = null, (int, int, int)? padding = null, bool ceilMode = false, bool countIncludePad = true, int? divisorOverride = null)
        : this([kernelSize.Item1, kernelSize.Item2, kernelSize.Item3], stride is { } s ? [s.Item1, s.Item2, s.Item3] : null, padding is { } p ? [p.Item1, p.Item2, p.Item3] : null, ceilMode, countIncludePad, divisorOverride) { }

    static int? CheckDivisor(int? d) => d is <= 0 ? throw new ArgumentException($"AvgPool3d: divisor_override={d} must be positive.") : d;

    public override Tensor Forward(Tensor input) => Ops.AvgPool(CheckInput(input), KernelSize, Stride, Padding, CeilMode, CountIncludePad, DivisorOverride);

    protected override string ExtraRepr() => $"kernel_size={Fmt(KernelSize)}, stride={Fmt(Stride)}, padding={Fmt(Padding)}";
}
