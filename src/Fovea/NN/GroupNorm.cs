namespace Fovea.NN;

/// <summary>
/// Splits the channels (axis 1) of [N,C,*] input into groups and normalises each group of each sample, then applies
/// a per-channel weight and bias (ones and zeros at start), like <c>torch.nn.GroupNorm</c>.
/// </summary>
public class GroupNorm : Module
{
    public int NumGroups { get; }
    public int NumChannels { get; }
    public float Eps { get; }
    public bool Affine { get; }
    public Tensor? Weight { get; }
    public Tensor? Bias { get; }

    public GroupNorm(int numGroups, int numChannels, float eps = 1e-5f, bool affine = true)
    {
        Args.Positive("GroupNorm", "num_groups", numGroups);
        Args.Positive("GroupNorm", "num_channels", numChannels);
        if (numChannels % numGroups != 0)
            throw new ArgumentException($"GroupNorm: num_groups={numGroups} must divide num_channels={numChannels}.");
        if (!(eps > 0)) throw new ArgumentException($"GroupNorm: eps={eps} must be positive.");
        NumGroups = numGroups;
        NumChannels = numChannels;
        Eps = eps;
        Affine = affine;
        if (affine)
        {
            Weight = RegisterParameter("weight", Tensor.Ones(numChannels));
            Bias = RegisterParameter("bias", Tensor.Zeros(numChannels));
        }
    }

    public override Tensor Forward(Tensor input)
    {
        if (input.Rank < 2) throw InputError(input, $"[N,{NumChannels},*]", $"{input.Rank}-D");
        if (input.Shape[1] != NumChannels) throw InputError(input, $"[N,{NumChannels},*]", $"{input.Shape[1]} channels, expected {NumChannels}");
        return Ops.GroupNorm(input, NumGroups, Weight, Bias, Eps);
    }

    protected override string ExtraRepr() => $"{NumGroups}, {NumChannels}, eps={Repr.Float(Eps)}, affine={Repr.Bool(Affine)}";
}
