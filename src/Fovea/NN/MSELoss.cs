namespace Fovea.NN;

/// <summary>Mean squared error (x − t)², like <c>torch.nn.MSELoss</c>.</summary>
public sealed class MSELoss : Loss
{
    public MSELoss(LossReduction reduction = LossReduction.Mean) : base(reduction)
    {
        if (reduction == LossReduction.BatchMean) throw new ArgumentException("MSELoss: reduction BatchMean is only for KLDivLoss.");
    }

    public override Tensor Forward(Tensor input, Tensor target) => Losses.Mse(input, target, Reduction);
}
