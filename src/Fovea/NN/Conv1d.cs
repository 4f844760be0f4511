namespace Fovea.NN;

/// <summary>
/// 1-D convolution (cross-correlation) over [N,C,L] input, like <c>torch.nn.Conv1d</c>: weight [out, in/groups, k],
/// bias [out]. Padding may be an int, per-axis sizes, "valid" or "same".
/// </summary>
public class Conv1d : ConvNd
{
    public Conv1d(int inChannels, int outChannels, int kernelSize, int stride = 1, PaddingSpec padding = default, int dilation = 1, int groups = 1, bool bias = true, Generator? generator = null)
        : base("Conv1d", 1, false, inChannels, outChannels, [kernelSize], [stride], padding, null, [dilation], groups, bias, generator) { }

    /// <summary>Per-axis sizes (1 values each, or 1 for all axes).</summary>
    public Conv1d(int inChannels, int outChannels, int[] kernelSize, int[]? stride = null, PaddingSpec padding = default, int[]? dilation = null, int groups = 1, bool bias = true, Generator? generator = null)
        : base("Conv1d", 1, false, inChannels, outChannels, kernelSize, stride, padding, null, dilation, groups, bias, generator) { }
}
