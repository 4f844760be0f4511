namespace Fovea.NN;

/// <summary>Sigmoid + binary cross-entropy in one numerically stable loss, like <c>torch.nn.BCEWithLogitsLoss</c>.</summary>
public sealed class BCEWithLogitsLoss : Loss
{
    public BCEWithLogitsLoss(Tensor? weight = null, LossReduction reduction = LossReduction.Mean, Tensor? posWeight = null) : base(reduction)
    {
        if (reduction == LossReduction.BatchMean) throw new ArgumentException("BCEWithLogitsLoss: reduction BatchMean is only for KLDivLoss.");
        Weight = weight;
        PosWeight = posWeight;
    }

    /// <summary>Rescaling weight broadcast to the input's shape, or null.</summary>
    public Tensor? Weight { get; }
    /// <summary>Weight of the positive examples, broadcast along the trailing axes (e.g. [C]), or null.</summary>
    public Tensor? PosWeight { get; }

    public override Tensor Forward(Tensor input, Tensor target)
        => Losses.BinaryCrossEntropyWithLogits(input, target, Weight, PosWeight, Reduction);
}
