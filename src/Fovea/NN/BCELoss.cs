namespace Fovea.NN;

/// <summary>Binary cross-entropy of probabilities, logs clamped to ≥ −100, like <c>torch.nn.BCELoss</c>.</summary>
public sealed class BCELoss : Loss
{
    public BCELoss(Tensor? weight = null, LossReduction reduction = LossReduction.Mean) : base(reduction)
    {
        if (reduction == LossReduction.BatchMean) throw new ArgumentException("BCELoss: reduction BatchMean is only for KLDivLoss.");
        Weight = weight;
    }

    /// <summary>Rescaling weight broadcast to the input's shape, or null.</summary>
    public Tensor? Weight { get; }

    public override Tensor Forward(Tensor input, Tensor target) => Losses.BinaryCrossEntropy(input, target, Weight, Reduction);
}
