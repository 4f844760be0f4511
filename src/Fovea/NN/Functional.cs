namespace Fovea.NN;

/// <summary>
/// Stateless forms of the layers, like <c>torch.nn.functional</c>, for models written as functions: the caller owns
/// the weights. Each forwards to <see cref="Ops"/>; the layer classes call these.
/// </summary>
public static partial class Functional
{
    /// <summary>x·Wᵀ + b over the last axis; <paramref name="weight"/> is [out, in].</summary>
    public static Tensor Linear(Tensor input, Tensor weight, Tensor? bias = null)
    {
        if (weight.Rank != 2) throw new ShapeMismatchException($"Linear: weight must be [out,in], got {weight.Shape}.");
        if (input.Rank < 1 || input.Shape[-1] != weight.Shape[1])
            throw new ShapeMismatchException($"Linear: input {input.Shape} has {(input.Rank < 1 ? 0 : input.Shape[-1])} features on its last axis, weight {weight.Shape} expects {weight.Shape[1]}.");
        if (bias is not null && (bias.Rank != 1 || bias.Shape[0] != weight.Shape[0]))
            throw new ShapeMismatchException($"Linear: bias must be [{weight.Shape[0]}], got {bias.Shape}.");
        var y = Ops.MatMul(input, Ops.Transpose(weight, 0, 1));
        return bias is null ? y : Ops.Add(y, bias);
    }

    /// <summary>max(x, 0).</summary>
    public static Tensor Relu(Tensor input) => Ops.Relu(input);

    /// <summary>Collapses axes startDim..endDim.</summary>
    public static Tensor Flatten(Tensor input, int startDim = 0, int endDim = -1) => input.Flatten(startDim, endDim);
}
