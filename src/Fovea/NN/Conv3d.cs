namespace Fovea.NN;

/// <summary>
/// 3-D convolution (cross-correlation) over [N,C,D,H,W] input, like <c>torch.nn.Conv3d</c>: weight [out, in/groups, kd,kh,kw],
/// bias [out]. Padding may be an int, per-axis sizes, "valid" or "same".
/// </summary>
public class Conv3d : ConvNd
{
    public Conv3d(int inChannels, int outChannels, int kernelSize, int stride = 1, PaddingSpec padding = default, int dilation = 1, int groups = 1, bool bias = true, Generator? generator = null)
        : base("Conv3d", 3, false, inChannels, outChannels, [kernelSize], [stride], padding, null, [dilation], groups, bias, generator) { }

    /// <summary>Per-axis sizes (3 values each, or 1 for all axes).</summary>
    public Conv3d(int inChannels, int outChannels, int[] kernelSize, int[]? stride = null, PaddingSpec padding = default, int[]? dilation = null, int groups = 1, bool bias = true, Generator? generator = null)
        : base("Conv3d", 3, false, inChannels, outChannels, kernelSize, stride, padding, null, dilation, groups, bias, generator) { }

    /// <summary>Per-axis sizes as tuples, e.g. <c>new Conv3d(3, 16, (3, 3, 3))</c>.</summary>
    public Conv3d(int inChannels, int outChannels, (int, int, int) kernelSize, (int, int, int)? stride = null, PaddingSpec padding = default, (int, int, int)? dilation = null, int groups = 1, bool bias = true, Generator? generator = null)
        : base("Conv3d", 3, false, inChannels, outChannels, [kernelSize.Item1, kernelSize.Item2, kernelSize.Item3], stride is { } s ? [s.Item1, s.Item2, s.Item3] : null, padding, null, dilation is { } d ? [d.Item1, d.Item2, d.Item3] : null, groups, bias, generator) { }
}
