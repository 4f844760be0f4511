namespace Fovea.NN;

/// <summary>
/// x for x ≥ 0, a·x otherwise, with a learned slope a: one shared (numParameters = 1) or one per channel (axis 1),
/// starting at init (0.25), like <c>torch.nn.PReLU</c>. State: weight [numParameters].
/// </summary>
public class PReLU : Module
{
    public int NumParameters { get; }
    public Tensor Weight { get; }

    public PReLU(int numParameters = 1, float init = 0.25f)
    {
        Args.Positive("PReLU", "num_parameters", numParameters);
        NumParameters = numParameters;
        Weight = RegisterParameter("weight", Tensor.Full([numParameters], init));
    }

    public override Tensor Forward(Tensor input)
    {
        if (NumParameters > 1 && (input.Rank < 2 || input.Shape[1] != NumParameters))
            throw InputError(input, $"[N,{NumParameters},*]", input.Rank < 2 ? $"{input.Rank}-D" : $"{input.Shape[1]} channels, expected {NumParameters}");
        return Ops.Prelu(input, Weight);
    }

    protected override string ExtraRepr() => $"num_parameters={NumParameters}";
}
