namespace Fovea.NN;

/// <summary>
/// Kullback-Leibler divergence with the input as log-probabilities, like <c>torch.nn.KLDivLoss</c>; use
/// <see cref="LossReduction.BatchMean"/> for the true KL divergence per sample.
/// </summary>
public sealed class KLDivLoss : Loss
{
    public KLDivLoss(LossReduction reduction = LossReduction.Mean, bool logTarget = false) : base(reduction) => LogTarget = logTarget;

    /// <summary>True when the target is given as log-probabilities too.</summary>
    public bool LogTarget { get; }

    public override Tensor Forward(Tensor input, Tensor target) => Losses.KLDiv(input, target, Reduction, LogTarget);
}
