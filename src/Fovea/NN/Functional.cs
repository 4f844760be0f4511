namespace Fovea.NN;

/// <summary>
/// Stateless forms of the layers, like <c>torch.nn.functional</c>, for models written as functions: the caller owns
/// the weights and passes them in. Each forwards to <see cref="Ops"/>; the layer classes call these. Sizes given as
/// one int apply to every spatial axis.
/// </summary>
public static class Functional
{
    // ---- linear and convolution ----

    /// <summary>x·Wᵀ + b over the last axis; <paramref name="weight"/> is [out, in].</summary>
    public static Tensor Linear(Tensor input, Tensor weight, Tensor? bias = null) => Ops.Linear(input, weight, bias);

    /// <summary>1-D convolution: input [N,C,L], weight [O,C/groups,k].</summary>
    public static Tensor Conv1d(Tensor input, Tensor weight, Tensor? bias = null, int stride = 1, int padding = 0, int dilation = 1, int groups = 1)
        => Ops.Conv(input, weight, bias, [stride], [padding], [dilation], groups);

    /// <summary>2-D convolution: input [N,C,H,W], weight [O,C/groups,kh,kw].</summary>
    public static Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias = null, int stride = 1, int padding = 0, int dilation = 1, int groups = 1)
        => Ops.Conv(input, weight, bias, [stride, stride], [padding, padding], [dilation, dilation], groups);

    /// <summary>2-D convolution with per-axis sizes; <paramref name="padding"/> has 2 (symmetric) or 4 entries ([top, left, bottom, right]).</summary>
    public static Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias, int[] stride, int[] padding, int[] dilation, int groups = 1)
        => Ops.Conv(input, weight, bias, stride, padding, dilation, groups);

    /// <summary>3-D convolution: input [N,C,D,H,W], weight [O,C/groups,kd,kh,kw].</summary>
    public static Tensor Conv3d(Tensor input, Tensor weight, Tensor? bias = null, int stride = 1, int padding = 0, int dilation = 1, int groups = 1)
        => Ops.Conv(input, weight, bias, [stride, stride, stride], [padding, padding, padding], [dilation, dilation, dilation], groups);

    /// <summary>2-D transposed convolution: input [N,C,H,W], weight [C,O/groups,kh,kw].</summary>
    public static Tensor ConvTranspose2d(Tensor input, Tensor weight, Tensor? bias = null, int stride = 1, int padding = 0, int outputPadding = 0, int groups = 1, int dilation = 1)
        => Ops.ConvTranspose(input, weight, bias, [stride, stride], [padding, padding], [outputPadding, outputPadding], [dilation, dilation], groups);

    // ---- pooling ----

    /// <summary>1-D max pooling; stride defaults to the kernel size.</summary>
    public static Tensor MaxPool1d(Tensor input, int kernelSize, int? stride = null, int padding = 0, int dilation = 1, bool ceilMode = false)
        => Ops.MaxPool(input, [kernelSize], [stride ?? kernelSize], [padding], [dilation], ceilMode);

    /// <summary>2-D max pooling; stride defaults to the kernel size.</summary>
    public static Tensor MaxPool2d(Tensor input, int kernelSize, int? stride = null, int padding = 0, int dilation = 1, bool ceilMode = false)
        => Ops.MaxPool(input, [kernelSize, kernelSize], Rep(stride ?? kernelSize, 2), Rep(padding, 2), Rep(dilation, 2), ceilMode);

    /// <summary>3-D max pooling; stride defaults to the kernel size.</summary>
    public static Tensor MaxPool3d(Tensor input, int kernelSize, int? stride = null, int padding = 0, int dilation = 1, bool ceilMode = false)
        => Ops.MaxPool(input, Rep(kernelSize, 3), Rep(stride ?? kernelSize, 3), Rep(padding, 3), Rep(dilation, 3), ceilMode);

    /// <summary>1-D average pooling; stride defaults to the kernel size.</summary>
    public static Tensor AvgPool1d(Tensor input, int kernelSize, int? stride = null, int padding = 0, bool ceilMode = false, bool countIncludePad = true)
        => Ops.AvgPool(input, [kernelSize], [stride ?? kernelSize], [padding], ceilMode, countIncludePad);

    /// <summary>2-D average pooling; stride defaults to the kernel size.</summary>
    public static Tensor AvgPool2d(Tensor input, int kernelSize, int? stride = null, int padding = 0, bool ceilMode = false, bool countIncludePad = true, int? divisorOverride = null)
        => Ops.AvgPool(input, Rep(kernelSize, 2), Rep(stride ?? kernelSize, 2), Rep(padding, 2), ceilMode, countIncludePad, divisorOverride);

    /// <summary>3-D average pooling; stride defaults to the kernel size.</summary>
    public static Tensor AvgPool3d(Tensor input, int kernelSize, int? stride = null, int padding = 0, bool ceilMode = false, bool countIncludePad = true, int? divisorOverride = null)
        => Ops.AvgPool(input, Rep(kernelSize, 3), Rep(stride ?? kernelSize, 3), Rep(padding, 3), ceilMode, countIncludePad, divisorOverride);

    /// <summary>Average pooling to a fixed [outH, outW].</summary>
    public static Tensor AdaptiveAvgPool2d(Tensor input, int outH, int outW) => Ops.AdaptiveAvgPool2d(input, outH, outW);

    /// <summary>Average pooling to [size, size].</summary>
    public static Tensor AdaptiveAvgPool2d(Tensor input, int outputSize) => Ops.AdaptiveAvgPool2d(input, outputSize, outputSize);

    /// <summary>Max pooling to a fixed [outH, outW].</summary>
    public static Tensor AdaptiveMaxPool2d(Tensor input, int outH, int outW) => Ops.AdaptiveMaxPool2d(input, outH, outW);

    /// <summary>Max pooling to [size, size].</summary>
    public static Tensor AdaptiveMaxPool2d(Tensor input, int outputSize) => Ops.AdaptiveMaxPool2d(input, outputSize, outputSize);

    /// <summary>Resizes the spatial axes to <paramref name="size"/> or by <paramref name="scaleFactor"/> (one of them), mode "nearest", "linear", "bilinear", ...</summary>
    public static Tensor Interpolate(Tensor input, int[]? size = null, float[]? scaleFactor = null, string mode = "nearest", bool? alignCorners = null)
        => Ops.Interpolate(input, size, scaleFactor, mode, alignCorners);

    // ---- normalisation ----

    /// <summary>
    /// Batch normalisation over axis 1. In training it uses the batch statistics and, when running statistics are
    /// given, updates them in place (running = (1−momentum)·running + momentum·batch, unbiased variance).
    /// </summary>
    public static Tensor BatchNorm(Tensor input, Tensor? runningMean, Tensor? runningVar, Tensor? weight = null, Tensor? bias = null, bool training = false, float momentum = 0.1f, float eps = 1e-5f)
        => Ops.BatchNorm(input, runningMean, runningVar, weight, bias, training, momentum, eps);

    /// <summary>Normalises over the trailing <paramref name="normalizedShape"/> axes.</summary>
    public static Tensor LayerNorm(Tensor input, int[] normalizedShape, Tensor? weight = null, Tensor? bias = null, float eps = 1e-5f)
        => Ops.LayerNorm(input, normalizedShape, weight, bias, eps);

    /// <summary>Normalises over groups of channels (axis 1 split into <paramref name="numGroups"/>).</summary>
    public static Tensor GroupNorm(Tensor input, int numGroups, Tensor? weight = null, Tensor? bias = null, float eps = 1e-5f)
        => Ops.GroupNorm(input, numGroups, weight, bias, eps);

    // ---- dropout and embedding ----

    /// <summary>Zeroes each element with probability p and scales the rest by 1/(1−p) when training; identity otherwise.</summary>
    public static Tensor Dropout(Tensor input, float p = 0.5f, bool training = true, Generator? generator = null)
        => Ops.Dropout(input, p, training, generator);

    /// <summary>Zeroes whole channels with probability p when training.</summary>
    public static Tensor Dropout2d(Tensor input, float p = 0.5f, bool training = true, Generator? generator = null)
        => Ops.Dropout2d(input, p, training, generator);

    /// <summary>Looks up rows of <paramref name="weight"/> [num, dim] at integer <paramref name="indices"/> (held as floats).</summary>
    public static Tensor Embedding(Tensor indices, Tensor weight, int? paddingIdx = null) => Ops.Embedding(indices, weight, paddingIdx);

    // ---- activations ----

    public static Tensor Relu(Tensor input) => Ops.Relu(input);
    public static Tensor Relu6(Tensor input) => Ops.Relu6(input);
    public static Tensor LeakyRelu(Tensor input, float negativeSlope = 0.01f) => Ops.LeakyRelu(input, negativeSlope);
    public static Tensor Prelu(Tensor input, Tensor weight) => Ops.Prelu(input, weight);
    public static Tensor Elu(Tensor input, float alpha = 1f) => Ops.Elu(input, alpha);
    /// <summary>GELU; <paramref name="approximate"/> is "none" (exact, erf) or "tanh".</summary>
    public static Tensor Gelu(Tensor input, string approximate = "none") => Ops.Gelu(input, approximate);
    public static Tensor Silu(Tensor input) => Ops.Silu(input);
    public static Tensor Sigmoid(Tensor input) => Ops.Sigmoid(input);
    public static Tensor Tanh(Tensor input) => Ops.Tanh(input);
    public static Tensor Hardswish(Tensor input) => Ops.Hardswish(input);
    public static Tensor Hardsigmoid(Tensor input) => Ops.Hardsigmoid(input);
    public static Tensor Softmax(Tensor input, int dim) => Ops.Softmax(input, dim);
    public static Tensor LogSoftmax(Tensor input, int dim) => Ops.LogSoftmax(input, dim);

    /// <summary>Collapses axes startDim..endDim.</summary>
    public static Tensor Flatten(Tensor input, int startDim = 0, int endDim = -1) => input.Flatten(startDim, endDim);

    internal static int[] Rep(int v, int n)
    {
        var a = new int[n];
        Array.Fill(a, v);
        return a;
    }
}
