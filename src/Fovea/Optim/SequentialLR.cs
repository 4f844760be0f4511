namespace Fovea.Optim;

/// <summary>
/// Runs schedulers one after another, switching at the milestone epochs, like
/// <c>torch.optim.lr_scheduler.SequentialLR</c>: e.g. a <see cref="LinearLR"/> warm-up for 5 epochs, then
/// <see cref="CosineAnnealingLR"/>. Each scheduler counts its epochs from the milestone where it starts.
/// </summary>
public sealed class SequentialLR : LRScheduler
{
    readonly LRScheduler[] _schedulers;
    readonly int[] _milestones;

    public SequentialLR(Optimizer optimizer, IReadOnlyList<LRScheduler> schedulers, IReadOnlyList<int> milestones) : base(optimizer)
    {
        ArgumentNullException.ThrowIfNull(schedulers);
        ArgumentNullException.ThrowIfNull(milestones);
        if (schedulers.Count == 0) throw new ArgumentException("SequentialLR: needs at least one scheduler.");
        if (milestones.Count != schedulers.Count - 1)
            throw new ArgumentException($"SequentialLR: {schedulers.Count} schedulers need {schedulers.Count - 1} milestones, got {milestones.Count}.");
        for (int i = 0; i < schedulers.Count; i++)
            if (!ReferenceEquals(schedulers[i].Optimizer, optimizer))
                throw new ArgumentException($"SequentialLR: scheduler {i} ({schedulers[i].GetType().Name}) drives a different optimizer.");
        for (int i = 1; i < milestones.Count; i++)
            if (milestones[i] < milestones[i - 1]) throw new ArgumentException("SequentialLR: milestones must be in increasing order.");
        _schedulers = [.. schedulers];
        _milestones = [.. milestones];
        Apply(0);
    }

    protected internal override double LrAt(int group, int epoch)
    {
        var (s, e) = Current(epoch);
        return s.LrAt(group, e);
    }

    internal override void ApplyOthers(int group, int epoch)
    {
        var (s, e) = Current(epoch);
        s.ApplyOthers(group, e);
    }

    /// <summary>The scheduler in charge at <paramref name="epoch"/> and its own epoch count.</summary>
    (LRScheduler Scheduler, int Epoch) Current(int epoch)
    {
        int idx = 0;
        while (idx < _milestones.Length && _milestones[idx] <= epoch) idx++;
        return (_schedulers[idx], idx == 0 ? epoch : epoch - _milestones[idx - 1]);
    }
}
