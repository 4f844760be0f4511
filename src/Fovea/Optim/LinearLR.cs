namespace Fovea.Optim;

/// <summary>
/// Linear warm-up (or decay): the base rate times a factor moving linearly from <c>startFactor</c> to
/// <c>endFactor</c> over <c>totalIters</c> steps, then held.
/// </summary>
public sealed class LinearLR : LRScheduler
{
    readonly double _start, _end;
    readonly int _total;

    public LinearLR(Optimizer optimizer, float startFactor = 1f / 3, float endFactor = 1f, int totalIters = 5) : base(optimizer)
    {
        if (!(startFactor > 0 && startFactor <= 1)) throw new ArgumentException($"LinearLR: startFactor must be in (0, 1], got {startFactor}.");
        if (!(endFactor >= 0 && endFactor <= 1)) throw new ArgumentException($"LinearLR: endFactor must be in [0, 1], got {endFactor}.");
        if (totalIters <= 0) throw new ArgumentException($"LinearLR: totalIters must be positive, got {totalIters}.");
        _start = startFactor;
        _end = endFactor;
        _total = totalIters;
        Apply(0);
    }

    protected internal override double LrAt(int group, int epoch)
        => BaseLrs[group] * (_start + (_end - _start) * Math.Min(_total, epoch) / _total);
}
