namespace Fovea.NN;

/// <summary>Mean absolute error |x − t|, like <c>torch.nn.L1Loss</c>.</summary>
public sealed class L1Loss : Loss
{
    public L1Loss(LossReduction reduction = LossReduction.Mean) : base(reduction)
    {
        if (reduction == LossReduction.BatchMean) throw new ArgumentException("L1Loss: reduction BatchMean is only for KLDivLoss.");
    }

    public override Tensor Forward(Tensor input, Tensor target) => Losses.L1(input, target, Reduction);
}
