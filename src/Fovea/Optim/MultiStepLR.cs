namespace Fovea.Optim;

/// <summary>Multiplies the learning rate by <c>gamma</c> at each milestone epoch (a repeated milestone counts twice).</summary>
public sealed class MultiStepLR : LRScheduler
{
    readonly int[] _milestones;
    readonly double _gamma;

    public MultiStepLR(Optimizer optimizer, IEnumerable<int> milestones, float gamma = 0.1f) : base(optimizer)
    {
        ArgumentNullException.ThrowIfNull(milestones);
        _milestones = [.. milestones.Order()];
        _gamma = gamma;
        Apply(0);
    }

    protected internal override double LrAt(int group, int epoch)
    {
        int passed = 0;
        foreach (int m in _milestones) if (m <= epoch) passed++;
        return BaseLrs[group] * Math.Pow(_gamma, passed);
    }
}
