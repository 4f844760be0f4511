using Fovea.Kernels;

namespace Fovea.NN;

/// <summary>
/// y = x·Wᵀ + b over the last axis: input [*, inFeatures] → [*, outFeatures]. Weight [outFeatures, inFeatures] and bias
/// drawn from U(−1/√inFeatures, 1/√inFeatures), PyTorch's default.
/// </summary>
public class Linear : Module
{
    public int InFeatures { get; }
    public int OutFeatures { get; }
    /// <summary>[outFeatures, inFeatures].</summary>
    public Tensor Weight { get; }
    /// <summary>[outFeatures], or null when built with <c>bias: false</c>.</summary>
    public Tensor? Bias { get; }

    public Linear(int inFeatures, int outFeatures, bool bias = true, Generator? generator = null)
    {
        if (inFeatures <= 0 || outFeatures <= 0)
            throw new ArgumentException($"Linear: in_features={inFeatures} and out_features={outFeatures} must be positive.");
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        Weight = RegisterParameter("weight", Tensor.Zeros(outFeatures, inFeatures));
        Bias = RegisterParameter("bias", bias ? Tensor.Zeros(outFeatures) : null);
        ResetParameters(generator);
    }

    /// <summary>PyTorch's default: kaiming_uniform(a=√5) for the weight, i.e. U(±1/√fan_in), and U(±1/√fan_in) for the bias.</summary>
    public void ResetParameters(Generator? generator = null)
    {
        Init.KaimingUniform_(Weight, MathF.Sqrt(5f), generator: generator);
        if (Bias is not null)
        {
            float bound = 1f / MathF.Sqrt(InFeatures);
            Init.Uniform_(Bias, -bound, bound, generator);
        }
    }

    public override Tensor Forward(Tensor input) => Forward(input, GemmActivation.None);

    /// <summary>The forward followed by <paramref name="act"/> (fused into the product under NoGrad, see <see cref="Sequential"/>).</summary>
    internal Tensor Forward(Tensor input, GemmActivation act)
    {
        if (input.Rank < 1 || input.Shape[-1] != InFeatures)
            throw InputError(input, $"[*,{InFeatures}]", input.Rank < 1 ? "a scalar" : $"{input.Shape[-1]} features on the last axis, expected {InFeatures}");
        return Ops.Linear(input, Weight, Bias, act);
    }

    protected internal override long MultiplyAdds(Tensor input, Tensor output) => (long)output.Numel * InFeatures;

    protected override string ExtraRepr() => $"in_features={InFeatures}, out_features={OutFeatures}, bias={Repr.Bool(Bias is not null)}";
}
