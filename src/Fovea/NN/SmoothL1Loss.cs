namespace Fovea.NN;

/// <summary>Smooth L1: quadratic below <see cref="Beta"/>, linear above, like <c>torch.nn.SmoothL1Loss</c>.</summary>
public sealed class SmoothL1Loss : Loss
{
    public SmoothL1Loss(LossReduction reduction = LossReduction.Mean, float beta = 1f) : base(reduction)
    {
        if (reduction == LossReduction.BatchMean) throw new ArgumentException("SmoothL1Loss: reduction BatchMean is only for KLDivLoss.");
        if (!(beta >= 0)) throw new ArgumentException($"SmoothL1Loss: beta must be >= 0, got {beta}.");
        Beta = beta;
    }

    /// <summary>Where the loss turns from quadratic to linear (0 gives L1).</summary>
    public float Beta { get; }

    public override Tensor Forward(Tensor input, Tensor target) => Losses.SmoothL1(input, target, Reduction, Beta);
}
