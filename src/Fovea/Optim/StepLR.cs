namespace Fovea.Optim;

/// <summary>Multiplies the learning rate by <c>gamma</c> every <c>stepSize</c> epochs: base·γ^⌊epoch/stepSize⌋.</summary>
public sealed class StepLR : LRScheduler
{
    readonly int _stepSize;
    readonly double _gamma;

    public StepLR(Optimizer optimizer, int stepSize, float gamma = 0.1f) : base(optimizer)
    {
        if (stepSize <= 0) throw new ArgumentException($"StepLR: stepSize must be positive, got {stepSize}.");
        _stepSize = stepSize;
        _gamma = gamma;
        Apply(0);
    }

    protected internal override double LrAt(int group, int epoch) => BaseLrs[group] * Math.Pow(_gamma, epoch / _stepSize);
}
