namespace Fovea.NN;

/// <summary>x for x &gt; 0, alpha·(eˣ − 1) otherwise.</summary>
public class ELU : Module
{
    public float Alpha { get; }

    public ELU(float alpha = 1f)
    {
        if (!float.IsFinite(alpha)) throw new ArgumentException($"ELU: alpha={alpha} must be finite.");
        Alpha = alpha;
    }

    public override Tensor Forward(Tensor input) => Ops.Elu(input, Alpha);

    protected override string ExtraRepr() => $"alpha={Repr.Float(Alpha)}";
}
