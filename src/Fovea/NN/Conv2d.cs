namespace Fovea.NN;

/// <summary>
/// 2-D convolution (cross-correlation) over [N,C,H,W] input, like <c>torch.nn.Conv2d</c>: weight [out, in/groups, kh,kw],
/// bias [out]. Padding may be an int, per-axis sizes, "valid" or "same".
/// </summary>
public class Conv2d : ConvNd
{
    public Conv2d(int inChannels, int outChannels, int kernelSize, int stride = 1, PaddingSpec padding = default, int dilation = 1, int groups = 1, bool bias = true, Generator? generator = null)
        : base("Conv2d", 2, false, inChannels, outChannels, [kernelSize], [stride], padding, null, [dilation], groups, bias, generator) { }

    /// <summary>Per-axis sizes (2 values each, or 1 for all axes).</summary>
    public Conv2d(int inChannels, int outChannels, int[] kernelSize, int[]? stride = null, PaddingSpec padding = default, int[]? dilation = null, int groups = 1, bool bias = true, Generator? generator = null)
        : base("Conv2d", 2, false, inChannels, outChannels, kernelSize, stride, padding, null, dilation, groups, bias, generator) { }

    /// <summary>Per-axis sizes as tuples, e.g. <c>new Conv2d(3, 16, (3, 5))</c>.</summary>
    public Conv2d(int inChannels, int outChannels, (int, int) kernelSize, (int, int)? stride = null, PaddingSpec padding = default, (int, int)? dilation = null, int groups = 1, bool bias = true, Generator? generator = null)
        : base("Conv2d", 2, false, inChannels, outChannels, [kernelSize.Item1, kernelSize.Item2], stride is { } s ? [s.Item1, s.Item2] : null, padding, null, dilation is { } d ? [d.Item1, d.Item2] : null, groups, bias, generator) { }
}
