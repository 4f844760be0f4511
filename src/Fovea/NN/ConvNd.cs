using Fovea.Kernels;

namespace Fovea.NN;

/// <summary>
/// What <see cref="Conv1d"/>, <see cref="Conv2d"/>, <see cref="Conv3d"/> and the transposed convolutions share:
/// sizes, the weight and bias, PyTorch's default initialisation and repr.
/// </summary>
public abstract class ConvNd : Module
{
    public int InChannels { get; }
    public int OutChannels { get; }
    public int[] KernelSize { get; }
    public int[] Stride { get; }
    /// <summary>Symmetric padding per spatial axis (for "same", see <see cref="PaddingMode"/>).</summary>
    public int[] Padding { get; }
    /// <summary>"same" or "valid" when given as a string, else null.</summary>
    public string? PaddingMode { get; }
    public int[] Dilation { get; }
    public int[] OutputPadding { get; }
    public int Groups { get; }
    public bool Transposed { get; }
    /// <summary>[out, in/groups, k...] for a convolution, [in, out/groups, k...] for a transposed one.</summary>
    public Tensor Weight { get; }
    /// <summary>[out], or null when built with <c>bias: false</c>.</summary>
    public Tensor? Bias { get; }

    readonly int[] _padArg;   // what Ops receives: N symmetric entries, or 2N [begins..., ends...] for "same"

    private protected ConvNd(string name, int dims, bool transposed, int inChannels, int outChannels, int[] kernelSize, int[]? stride,
        PaddingSpec padding, int[]? outputPadding, int[]? dilation, int groups, bool bias, Generator? generator)
    {
        Transposed = transposed;
        Args.Positive(name, "in_channels", inChannels);
        Args.Positive(name, "out_channels", outChannels);
        Args.Positive(name, "groups", groups);
        if (inChannels % groups != 0) throw new ArgumentException($"{name}: groups={groups} must divide in_channels={inChannels}.");
        if (outChannels % groups != 0) throw new ArgumentException($"{name}: groups={groups} must divide out_channels={outChannels}.");
        InChannels = inChannels;
        OutChannels = outChannels;
        Groups = groups;
        KernelSize = Args.Sizes(name, "kernel_size", kernelSize, dims, [1], 1);
        Stride = Args.Sizes(name, "stride", stride, dims, [1], 1);
        Dilation = Args.Sizes(name, "dilation", dilation, dims, [1], 1);
        OutputPadding = Args.Sizes(name, "output_padding", outputPadding, dims, [0], 0);
        Padding = padding.Sizes(name, dims);
        PaddingMode = padding.Mode;
        _padArg = Padding;
        if (PaddingMode == "same")
        {
            if (transposed) throw new ArgumentException($"{name}: padding=\"same\" is not supported for transposed convolutions.");
            if (Stride.Any(s => s != 1)) throw new ArgumentException($"{name}: padding=\"same\" is not supported for strided convolutions (stride={Shape.Format(Stride)}).");
            _padArg = new int[2 * dims];
            for (int i = 0; i < dims; i++)
            {
                int total = Dilation[i] * (KernelSize[i] - 1);
                _padArg[i] = total / 2;
                _padArg[dims + i] = total - total / 2;
                Padding[i] = total / 2;
            }
        }
        for (int i = 0; i < dims; i++)
            if (OutputPadding[i] >= Stride[i] && OutputPadding[i] >= Dilation[i])
                throw new ArgumentException($"{name}: output_padding={Shape.Format(OutputPadding)} must be smaller than either stride={Shape.Format(Stride)} or dilation={Shape.Format(Dilation)}.");

        int[] wShape = transposed ? [inChannels, outChannels / groups, .. KernelSize] : [outChannels, inChannels / groups, .. KernelSize];
        Weight = RegisterParameter("weight", Tensor.Zeros(wShape));
        Bias = RegisterParameter("bias", bias ? Tensor.Zeros(outChannels) : null);
        ResetParameters(generator);
    }

    /// <summary>PyTorch's default: kaiming_uniform(a=√5) for the weight, i.e. U(±1/√fan_in), and U(±1/√fan_in) for the bias (fan_in from the weight's axis 1).</summary>
    public void ResetParameters(Generator? generator = null)
    {
        Init.KaimingUniform_(Weight, MathF.Sqrt(5f), generator: generator);
        if (Bias is not null)
        {
            var (fanIn, _) = Init.CalculateFanInAndFanOut(Weight);
            float bound = fanIn > 0 ? 1f / MathF.Sqrt(fanIn) : 0f;
            Init.Uniform_(Bias, -bound, bound, generator);
        }
    }

    public override Tensor Forward(Tensor input) => Forward(input, GemmActivation.None);

    /// <summary>The forward followed by <paramref name="act"/> (fused into the kernel under NoGrad, see <see cref="Sequential"/>).</summary>
    internal Tensor Forward(Tensor input, GemmActivation act, bool maxPool2x2 = false)
    {
        int dims = KernelSize.Length;
        CheckChannelsFirst(input, dims, InChannels);
        if (!Transposed)
            for (int i = 0; i < dims; i++)
            {
                int padded = input.Shape[2 + i] + _padArg[i] + _padArg[_padArg.Length == dims ? i : dims + i];
                if (padded < Dilation[i] * (KernelSize[i] - 1) + 1)
                    throw InputError(input, $"spatial sizes of at least the kernel {Repr.Tuple(KernelSize)} (dilation {Repr.Tuple(Dilation)}, after padding)", $"axis {2 + i} has {input.Shape[2 + i]}");
            }
        if (Transposed && (act != GemmActivation.None || maxPool2x2))
            throw new InvalidOperationException($"{TypeName}: fused activations are for convolutions, not transposed ones.");
        return Transposed
            ? Ops.ConvTranspose(input, Weight, Bias, Stride, Padding, OutputPadding, Dilation, Groups)
            : Ops.ConvFused(input, Weight, Bias, Stride, _padArg, Dilation, Groups, act, maxPool2x2);
    }

    protected internal override long MultiplyAdds(Tensor input, Tensor output) => Transposed
        ? (long)input.Numel * (OutChannels / Groups) * Args.Product(KernelSize)
        : (long)output.Numel * (InChannels / Groups) * Args.Product(KernelSize);

    protected override string ExtraRepr()
    {
        var s = $"{InChannels}, {OutChannels}, kernel_size={Repr.Tuple(KernelSize)}, stride={Repr.Tuple(Stride)}";
        if (PaddingMode is not null) s += $", padding={PaddingMode}";
        else if (Padding.Any(p => p != 0)) s += $", padding={Repr.Tuple(Padding)}";
        if (Dilation.Any(d => d != 1)) s += $", dilation={Repr.Tuple(Dilation)}";
        if (OutputPadding.Any(p => p != 0)) s += $", output_padding={Repr.Tuple(OutputPadding)}";
        if (Groups != 1) s += $", groups={Groups}";
        if (Bias is null) s += ", bias=False";
        return s;
    }
}
