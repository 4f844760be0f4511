namespace Fovea.NN;

/// <summary>
/// A loss function with its options: <c>loss.Forward(input, target)</c> returns a tensor (0-D unless the
/// reduction is <see cref="LossReduction.None"/>). The functional forms are in <see cref="Losses"/>.
/// </summary>
public abstract class Loss
{
    protected Loss(LossReduction reduction) => Reduction = reduction;

    /// <summary>How per-element values are combined.</summary>
    public LossReduction Reduction { get; }

    /// <summary>The loss of <paramref name="input"/> against <paramref name="target"/>.</summary>
    public abstract Tensor Forward(Tensor input, Tensor target);
}
