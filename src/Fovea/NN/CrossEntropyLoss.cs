namespace Fovea.NN;

/// <summary>
/// Cross-entropy of logits against class indices or class probabilities, like <c>torch.nn.CrossEntropyLoss</c>;
/// see <see cref="Losses.CrossEntropy"/>.
/// </summary>
public sealed class CrossEntropyLoss : Loss
{
    public CrossEntropyLoss(Tensor? weight = null, int ignoreIndex = -100, LossReduction reduction = LossReduction.Mean, float labelSmoothing = 0f)
        : base(reduction)
    {
        if (reduction == LossReduction.BatchMean) throw new ArgumentException("CrossEntropyLoss: reduction BatchMean is only for KLDivLoss.");
        Losses.CheckSmoothing("CrossEntropyLoss", labelSmoothing);
        if (weight is not null && weight.Rank != 1) throw new ShapeMismatchException($"CrossEntropyLoss: weight must be 1-D [C], got {weight.Shape}.");
        Weight = weight;
        IgnoreIndex = ignoreIndex;
        LabelSmoothing = labelSmoothing;
    }

    /// <summary>Per-class weights [C], or null.</summary>
    public Tensor? Weight { get; }
    /// <summary>Class-index target value that contributes neither loss nor gradient.</summary>
    public int IgnoreIndex { get; }
    /// <summary>Amount of uniform distribution mixed into the targets, in [0, 1].</summary>
    public float LabelSmoothing { get; }

    public override Tensor Forward(Tensor input, Tensor target)
        => Losses.CrossEntropy(input, target, Weight, IgnoreIndex, Reduction, LabelSmoothing);
}
