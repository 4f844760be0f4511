namespace Fovea.NN;

/// <summary>
/// Pools [N,C,H,W] input to a fixed output size whatever the input size (each output cell takes the maximum of its
/// window), like <c>torch.nn.AdaptiveMaxPool2d</c>. A null size keeps that axis' input size.
/// </summary>
public class AdaptiveMaxPool2d : Module
{
    /// <summary>(H, W); null entries keep the input's size.</summary>
    public (int? H, int? W) OutputSize { get; }
    readonly bool _scalar;

    /// <summary>Output [size, size].</summary>
    public AdaptiveMaxPool2d(int outputSize) : this((outputSize, outputSize)) => _scalar = true;

    /// <summary>Output [H, W] (2 values).</summary>
    public AdaptiveMaxPool2d(int[] outputSize)
        : this(outputSize is { Length: 2 } ? (outputSize[0], outputSize[1]) : throw new ArgumentException($"AdaptiveMaxPool2d: output_size needs 2 values, got {(outputSize is null ? "null" : Shape.Format(outputSize))}.")) { }

    /// <summary>Output [H, W]; a null entry keeps the input's size on that axis.</summary>
    public AdaptiveMaxPool2d((int? H, int? W) outputSize)
    {
        if (outputSize.H is <= 0 || outputSize.W is <= 0)
            throw new ArgumentException($"AdaptiveMaxPool2d: output_size=({outputSize.H}, {outputSize.W}) must be positive.");
        OutputSize = outputSize;
    }

    public override Tensor Forward(Tensor input)
    {
        CheckChannelsFirst(input, 2, -1);
        return Ops.AdaptiveMaxPool2d(input, OutputSize.H ?? input.Shape[2], OutputSize.W ?? input.Shape[3]);
    }

    protected override string ExtraRepr() => _scalar ? $"output_size={OutputSize.H}"
        : $"output_size=({OutputSize.H?.ToString() ?? "None"}, {OutputSize.W?.ToString() ?? "None"})";
}
