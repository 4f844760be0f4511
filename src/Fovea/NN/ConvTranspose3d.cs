namespace Fovea.NN;

/// <summary>
/// 3-D transposed convolution (the gradient of a convolution; "deconvolution") over [N,C,D,H,W] input, like
/// <c>torch.nn.ConvTranspose3d</c>: weight [in, out/groups, kd,kh,kw], bias [out]. Output size per axis:
/// (in−1)·stride − 2·padding + dilation·(k−1) + output_padding + 1. Parameter order follows PyTorch
/// (output_padding, groups, bias, dilation).
/// </summary>
public class ConvTranspose3d : ConvNd
{
    public ConvTranspose3d(int inChannels, int outChannels, int kernelSize, int stride = 1, PaddingSpec padding = default, int outputPadding = 0, int groups = 1, bool bias = true, int dilation = 1, Generator? generator = null)
        : base("ConvTranspose3d", 3, true, inChannels, outChannels, [kernelSize], [stride], padding, [outputPadding], [dilation], groups, bias, generator) { }

    /// <summary>Per-axis sizes (3 values each, or 1 for all axes).</summary>
    public ConvTranspose3d(int inChannels, int outChannels, int[] kernelSize, int[]? stride = null, PaddingSpec padding = default, int[]? outputPadding = null, int groups = 1, bool bias = true, int[]? dilation = null, Generator? generator = null)
        : base("ConvTranspose3d", 3, true, inChannels, outChannels, kernelSize, stride, padding, outputPadding, dilation, groups, bias, generator) { }

    /// <summary>Per-axis sizes as tuples.</summary>
    public ConvTranspose3d(int inChannels, int outChannels, (int, int, int) kernelSize, (int, int, int)? stride = null, PaddingSpec padding = default, (int, int, int)? outputPadding = null, int groups = 1, bool bias = true, (int, int, int)? dilation = null, Generator? generator = null)
        : base("ConvTranspose3d", 3, true, inChannels, outChannels, [kernelSize.Item1, kernelSize.Item2, kernelSize.Item3], stride is { } s ? [s.Item1, s.Item2, s.Item3] : null, padding, outputPadding is { } o ? [o.Item1, o.Item2, o.Item3] : null, dilation is { } d ? [d.Item1, d.Item2, d.Item3] : null, groups, bias, generator) { }
}
