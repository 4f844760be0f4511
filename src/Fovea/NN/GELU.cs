namespace Fovea.NN;

/// <summary>x·Φ(x) (Φ the standard normal CDF) when approximate is "none"; the tanh approximation when "tanh".</summary>
public class GELU : Module
{
    public string Approximate { get; }

    public GELU(string approximate = "none")
    {
        if (approximate is not ("none" or "tanh")) throw new ArgumentException($"GELU: approximate=\"{approximate}\" must be \"none\" or \"tanh\".");
        Approximate = approximate;
    }

    public override Tensor Forward(Tensor input) => Ops.Gelu(input, Approximate);

    protected override string ExtraRepr() => $"approximate='{Approximate}'";
}
