namespace Fovea.NN;

/// <summary>x for x ≥ 0, negativeSlope·x otherwise.</summary>
public class LeakyReLU : Module
{
    public float NegativeSlope { get; }

    public LeakyReLU(float negativeSlope = 0.01f)
    {
        if (!float.IsFinite(negativeSlope)) throw new ArgumentException($"LeakyReLU: negative_slope={negativeSlope} must be finite.");
        NegativeSlope = negativeSlope;
    }

    public override Tensor Forward(Tensor input) => Ops.LeakyRelu(input, NegativeSlope);

    protected override string ExtraRepr() => $"negative_slope={Repr.Float(NegativeSlope)}";
}
