namespace Fovea.NN;

/// <summary>
/// Zeroes each element with probability p during training and scales the others by 1/(1−p); the identity in eval mode. Like <c>torch.nn.Dropout</c>.
/// Draws from <see cref="Generator"/> (or the default generator).
/// </summary>
public class Dropout : Module
{
    public float P { get; }
    /// <summary>The random source for the masks; null uses <see cref="Fovea.Generator.Default"/>.</summary>
    public Generator? Generator { get; set; }

    public Dropout(float p = 0.5f, Generator? generator = null)
    {
        Args.Probability("Dropout", p);
        P = p;
        Generator = generator;
    }

    public override Tensor Forward(Tensor input)
    {
        return Ops.Dropout(input, P, IsTraining, Generator);
    }

    protected override string ExtraRepr() => $"p={Repr.Float(P)}, inplace=False";
}
