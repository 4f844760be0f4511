namespace Fovea.NN;

/// <summary>
/// Zeroes whole channels (axis 1 of [N,C,H,W] or [C,H,W]) with probability p during training and scales the others by 1/(1−p); the identity in eval mode. Like <c>torch.nn.Dropout2d</c>.
/// Draws from <see cref="Generator"/> (or the default generator).
/// </summary>
public class Dropout2d : Module
{
    public float P { get; }
    /// <summary>The random source for the masks; null uses <see cref="Fovea.Generator.Default"/>.</summary>
    public Generator? Generator { get; set; }

    public Dropout2d(float p = 0.5f, Generator? generator = null)
    {
        Args.Probability("Dropout2d", p);
        P = p;
        Generator = generator;
    }

    public override Tensor Forward(Tensor input)
    {
        if (input.Rank is not (3 or 4)) throw InputError(input, "[N,C,H,W] or [C,H,W]", $"{input.Rank}-D");
        return Ops.Dropout2d(input, P, IsTraining, Generator);
    }

    protected override string ExtraRepr() => $"p={Repr.Float(P)}, inplace=False";
}
