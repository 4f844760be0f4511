namespace Fovea.Kernels;

/// <summary>
/// The sizes of one N-d convolution (N = 1, 2, 3), NC[D][H]W. Lower-dimensional convolutions are stored as 3-D
/// ones with leading spatial sizes 1 (kernel 1, stride 1, no padding), so one set of kernels serves all three.
/// Input x: [Batch, InChannels, InD, InH, InW]; weight: [OutChannels, InChannels/Groups, KD, KH, KW];
/// output y: [Batch, OutChannels, OutD, OutH, OutW]; y[.., o] reads x[.., o*S - PadBegin + k*Dil].
/// Only the begin padding enters the index arithmetic; the end padding only decides the output size.
/// </summary>
public readonly struct ConvGeometry
{
    public readonly int Batch, InChannels, OutChannels, Groups, SpatialRank;
    public readonly int InD, InH, InW, OutD, OutH, OutW, KD, KH, KW;
    public readonly int SD, SH, SW, PD, PH, PW, DD, DH, DW;

    /// <summary>
    /// Spans of length <c>SpatialRank</c> (1..3), outermost axis first. <paramref name="outSize"/> is given
    /// explicitly (the transposed convolution picks it), see <see cref="OutputSize"/> for the usual value.
    /// </summary>
    public ConvGeometry(int batch, int inChannels, int outChannels, int groups,
        ReadOnlySpan<int> inSize, ReadOnlySpan<int> outSize, ReadOnlySpan<int> kernel,
        ReadOnlySpan<int> stride, ReadOnlySpan<int> padBegin, ReadOnlySpan<int> dilation)
    {
        int r = kernel.Length;
        if (r is < 1 or > 3 || inSize.Length != r || outSize.Length != r || stride.Length != r || padBegin.Length != r || dilation.Length != r)
            throw new ArgumentException($"ConvGeometry: expected 1 to 3 spatial axes with one entry each, got kernel {Shape.Format(kernel)}, input {Shape.Format(inSize)}, output {Shape.Format(outSize)}, stride {Shape.Format(stride)}, padding {Shape.Format(padBegin)}, dilation {Shape.Format(dilation)}.");
        if (batch < 0 || inChannels < 0 || outChannels < 0 || groups < 1 || inChannels % groups != 0 || outChannels % groups != 0)
            throw new ArgumentException($"ConvGeometry: batch {batch}, channels {inChannels}->{outChannels} and groups {groups} do not fit.");
        for (int i = 0; i < r; i++)
            if (inSize[i] < 0 || outSize[i] < 0 || kernel[i] < 1 || stride[i] < 1 || padBegin[i] < 0 || dilation[i] < 1)
                throw new ArgumentException($"ConvGeometry: bad size on spatial axis {i}.");
        Batch = batch; InChannels = inChannels; OutChannels = outChannels; Groups = groups; SpatialRank = r;
        int o = 3 - r;
        Span<int> a = stackalloc int[18];
        for (int i = 0; i < 3; i++)
        {
            bool real = i >= o;
            a[i] = real ? inSize[i - o] : 1;
            a[3 + i] = real ? outSize[i - o] : 1;
            a[6 + i] = real ? kernel[i - o] : 1;
            a[9 + i] = real ? stride[i - o] : 1;
            a[12 + i] = real ? padBegin[i - o] : 0;
            a[15 + i] = real ? dilation[i - o] : 1;
        }
        InD = a[0]; InH = a[1]; InW = a[2]; OutD = a[3]; OutH = a[4]; OutW = a[5];
        KD = a[6]; KH = a[7]; KW = a[8]; SD = a[9]; SH = a[10]; SW = a[11];
        PD = a[12]; PH = a[13]; PW = a[14]; DD = a[15]; DH = a[16]; DW = a[17];
    }

    /// <summary>floor((in + padBegin + padEnd - dilation*(k-1) - 1) / stride) + 1; zero or negative when the kernel does not fit.</summary>
    public static int OutputSize(int inSize, int kernel, int stride, int padBegin, int padEnd, int dilation)
    {
        long span = (long)inSize + padBegin + padEnd - (long)dilation * (kernel - 1) - 1;
        if (span < 0) return 0;
        return (int)(span / stride + 1);
    }

    /// <summary>Input channels per group.</summary>
    public int InPerGroup => InChannels / Groups;
    /// <summary>Output channels per group.</summary>
    public int OutPerGroup => OutChannels / Groups;
    /// <summary>Kernel taps per channel (KD*KH*KW).</summary>
    public int KernelSize => KD * KH * KW;
    /// <summary>Input positions per channel.</summary>
    public int InSpatial => InD * InH * InW;
    /// <summary>Output positions per channel.</summary>
    public int OutSpatial => OutD * OutH * OutW;
    /// <summary>Rows of one group's im2col matrix: (Cin/groups)*KD*KH*KW.</summary>
    public int ColRows => InPerGroup * KernelSize;
    /// <summary>Elements of the input, weight and output.</summary>
    public long InputLength => (long)Batch * InChannels * InSpatial;
    public long WeightLength => (long)OutChannels * ColRows;
    public long OutputLength => (long)Batch * OutChannels * OutSpatial;

    /// <summary>A 1x1x1 kernel, stride 1, no padding: the convolution is a plain matrix product on NCHW.</summary>
    public bool IsPointwise => KernelSize == 1 && SD == 1 && SH == 1 && SW == 1 && PD == 0 && PH == 0 && PW == 0
        && InD == OutD && InH == OutH && InW == OutW;

    /// <summary>One filter per channel (groups == in == out channels) on at most 2 spatial axes: the direct kernel applies.</summary>
    public bool IsDepthwise2d => Groups == InChannels && Groups == OutChannels && KD == 1 && InD == 1 && OutD == 1 && PD == 0;

    /// <summary>Multiply-adds of the forward pass.</summary>
    public long Macs => (long)Batch * OutChannels * OutSpatial * ColRows;

    internal void CheckLengths(string op, int x, int w, int y)
    {
        if (x < InputLength || w < WeightLength || y < OutputLength)
            throw new ArgumentException($"{op}: spans of length input {x}, weight {w}, output {y} are shorter than the geometry needs ({InputLength}, {WeightLength}, {OutputLength}).");
    }
}
