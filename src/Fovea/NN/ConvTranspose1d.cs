namespace Fovea.NN;

/// <summary>
/// 1-D transposed convolution (the gradient of a convolution; "deconvolution") over [N,C,L] input, like
/// <c>torch.nn.ConvTranspose1d</c>: weight [in, out/groups, k], bias [out]. Output size per axis:
/// (in−1)·stride − 2·padding + dilation·(k−1) + output_padding + 1. Parameter order follows PyTorch
/// (output_padding, groups, bias, dilation).
/// </summary>
public class ConvTranspose1d : ConvNd
{
    public ConvTranspose1d(int inChannels, int outChannels, int kernelSize, int stride = 1, PaddingSpec padding = default, int outputPadding = 0, int groups = 1, bool bias = true, int dilation = 1, Generator? generator = null)
        : base("ConvTranspose1d", 1, true, inChannels, outChannels, [kernelSize], [stride], padding, [outputPadding], [dilation], groups, bias, generator) { }

    /// <summary>Per-axis sizes (1 values each, or 1 for all axes).</summary>
    public ConvTranspose1d(int inChannels, int outChannels, int[] kernelSize, int[]? stride = null, PaddingSpec padding = default, int[]? outputPadding = null, int groups = 1, bool bias = true, int[]? dilation = null, Generator? generator = null)
        : base("ConvTranspose1d", 1, true, inChannels, outChannels, kernelSize, stride, padding, outputPadding, dilation, groups, bias, generator) { }
}
