namespace Fovea.NN;

/// <summary>Negative log-likelihood of log-probabilities at class indices, like <c>torch.nn.NLLLoss</c>; see <see cref="Losses.Nll"/>.</summary>
public sealed class NLLLoss : Loss
{
    public NLLLoss(Tensor? weight = null, int ignoreIndex = -100, LossReduction reduction = LossReduction.Mean) : base(reduction)
    {
        if (reduction == LossReduction.BatchMean) throw new ArgumentException("NLLLoss: reduction BatchMean is only for KLDivLoss.");
        if (weight is not null && weight.Rank != 1) throw new ShapeMismatchException($"NLLLoss: weight must be 1-D [C], got {weight.Shape}.");
        Weight = weight;
        IgnoreIndex = ignoreIndex;
    }

    /// <summary>Per-class weights [C], or null.</summary>
    public Tensor? Weight { get; }
    /// <summary>Class-index target value that contributes neither loss nor gradient.</summary>
    public int IgnoreIndex { get; }

    public override Tensor Forward(Tensor input, Tensor target) => Losses.Nll(input, target, Weight, IgnoreIndex, Reduction);
}
