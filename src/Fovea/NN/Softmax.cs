namespace Fovea.NN;

/// <summary>e^x / Σ e^x along <see cref="Dim"/>: each slice sums to 1.</summary>
public class Softmax : Module
{
    /// <summary>The axis (negative counts from the end).</summary>
    public int Dim { get; }

    public Softmax(int dim) => Dim = dim;

    public override Tensor Forward(Tensor input)
    {
        if (Dim >= input.Rank || Dim < -Math.Max(input.Rank, 1))
            throw InputError(input, $"a tensor with axis {Dim}", $"{input.Rank}-D");
        return Ops.Softmax(input, Dim);
    }

    protected override string ExtraRepr() => $"dim={Dim}";
}
