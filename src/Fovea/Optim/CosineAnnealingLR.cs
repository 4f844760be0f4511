namespace Fovea.Optim;

/// <summary>
/// Cosine annealing from the base rate to <c>etaMin</c> over <c>tMax</c> epochs:
/// ηmin + (base − ηmin)·(1 + cos(π·epoch/tMax))/2 (rising again after tMax, as in PyTorch).
/// </summary>
public sealed class CosineAnnealingLR : LRScheduler
{
    readonly int _tMax;
    readonly double _etaMin;

    public CosineAnnealingLR(Optimizer optimizer, int tMax, float etaMin = 0) : base(optimizer)
    {
        if (tMax <= 0) throw new ArgumentException($"CosineAnnealingLR: tMax must be positive, got {tMax}.");
        _tMax = tMax;
        _etaMin = etaMin;
        Apply(0);
    }

    protected internal override double LrAt(int group, int epoch)
        => _etaMin + (BaseLrs[group] - _etaMin) * (1 + Math.Cos(Math.PI * epoch / _tMax)) / 2;
}
