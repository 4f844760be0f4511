namespace Fovea.NN;

/// <summary>Huber loss: 0.5·d² below <see cref="Delta"/>, δ·(|d| − 0.5δ) above, like <c>torch.nn.HuberLoss</c>.</summary>
public sealed class HuberLoss : Loss
{
    public HuberLoss(LossReduction reduction = LossReduction.Mean, float delta = 1f) : base(reduction)
    {
        if (reduction == LossReduction.BatchMean) throw new ArgumentException("HuberLoss: reduction BatchMean is only for KLDivLoss.");
        if (!(delta > 0)) throw new ArgumentException($"HuberLoss: delta must be > 0, got {delta}.");
        Delta = delta;
    }

    /// <summary>Where the loss turns from quadratic to linear.</summary>
    public float Delta { get; }

    public override Tensor Forward(Tensor input, Tensor target) => Losses.Huber(input, target, Reduction, Delta);
}
