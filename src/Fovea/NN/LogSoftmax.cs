namespace Fovea.NN;

/// <summary>log(softmax(x)) along <see cref="Dim"/>, computed stably.</summary>
public class LogSoftmax : Module
{
    /// <summary>The axis (negative counts from the end).</summary>
    public int Dim { get; }

    public LogSoftmax(int dim) => Dim = dim;

    public override Tensor Forward(Tensor input)
    {
        if (Dim >= input.Rank || Dim < -Math.Max(input.Rank, 1))
            throw InputError(input, $"a tensor with axis {Dim}", $"{input.Rank}-D");
        return Ops.LogSoftmax(input, Dim);
    }

    protected override string ExtraRepr() => $"dim={Dim}";
}
