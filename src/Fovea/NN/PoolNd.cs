namespace Fovea.NN;

/// <summary>What the max and average pooling layers share: window sizes, validation and repr. No parameters.</summary>
public abstract class PoolNd : Module
{
    public int[] KernelSize { get; }
    /// <summary>Defaults to the kernel size.</summary>
    public int[] Stride { get; }
    public int[] Padding { get; }
    /// <summary>Max pooling only (1 for average pooling).</summary>
    public int[] Dilation { get; }
    public bool CeilMode { get; }
    readonly bool _scalar;

    private protected PoolNd(string name, int dims, int[] kernelSize, int[]? stride, int[]? padding, int[]? dilation, bool ceilMode, bool scalar)
    {
        KernelSize = Args.Sizes(name, "kernel_size", kernelSize, dims, [1], 1);
        Stride = Args.Sizes(name, "stride", stride is { Length: > 0 } ? stride : null, dims, KernelSize, 1);
        Padding = Args.Sizes(name, "padding", padding, dims, [0], 0);
        Dilation = Args.Sizes(name, "dilation", dilation, dims, [1], 1);
        CeilMode = ceilMode;
        _scalar = scalar;
        for (int i = 0; i < dims; i++)
        {
            int effective = (KernelSize[i] - 1) * Dilation[i] + 1;
            if (2 * Padding[i] > effective)
                throw new ArgumentException($"{name}: pad should be at most half of effective kernel size, but got padding={Shape.Format(Padding)}, kernel_size={Shape.Format(KernelSize)} and dilation={Shape.Format(Dilation)}.");
        }
    }

    private protected Tensor CheckInput(Tensor input)
    {
        CheckChannelsFirst(input, KernelSize.Length, -1);
        for (int i = 0; i < KernelSize.Length; i++)
        {
            int size = input.Shape[2 + i] + 2 * Padding[i], effective = (KernelSize[i] - 1) * Dilation[i] + 1;
            if (size < effective)
                throw InputError(input, $"spatial sizes of at least {Shape.Format(KernelSize)} (after padding {Shape.Format(Padding)})", $"axis {2 + i} has {input.Shape[2 + i]}");
        }
        return input;
    }

    private protected string Fmt(int[] v) => _scalar && v.All(x => x == v[0]) ? v[0].ToString(System.Globalization.CultureInfo.InvariantCulture) : Repr.Tuple(v);
}
