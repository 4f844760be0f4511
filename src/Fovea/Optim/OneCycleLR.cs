namespace Fovea.Optim;

/// <summary>
/// The 1cycle policy, like <c>torch.optim.lr_scheduler.OneCycleLR</c> (stepped once per batch): from
/// maxLr/divFactor up to maxLr over the first pctStart of <c>totalSteps</c>, then down to
/// initial/finalDivFactor (with <c>threePhase</c>: back to the initial rate first, then down). It sets each group's
/// <see cref="ParamGroup.InitialLr"/> to maxLr/divFactor. With <c>cycleMomentum</c> (the default, as in PyTorch) the
/// momentum ("momentum" of SGD and RMSprop, "beta1" of Adam) moves inversely, between maxMomentum and baseMomentum.
/// </summary>
public sealed class OneCycleLR : LRScheduler
{
    readonly (double End, int From, int To)[] _phases;   // rates: 0 initial, 1 max, 2 min
    readonly double _maxLr, _initialLr, _minLr;
    readonly AnnealStrategy _anneal;
    readonly int _totalSteps;
    readonly string? _momentumName;
    readonly double _baseMomentum, _maxMomentum;

    public OneCycleLR(Optimizer optimizer, float maxLr, int totalSteps, float pctStart = 0.3f, AnnealStrategy annealStrategy = AnnealStrategy.Cos,
        float divFactor = 25, float finalDivFactor = 1e4f, bool threePhase = false, bool cycleMomentum = true, float baseMomentum = 0.85f,
        float maxMomentum = 0.95f) : base(Prepare(optimizer, maxLr, divFactor))
    {
        if (totalSteps <= 0) throw new ArgumentException($"OneCycleLR: totalSteps must be positive, got {totalSteps}.");
        if (!(pctStart >= 0 && pctStart <= 1)) throw new ArgumentException($"OneCycleLR: pctStart must be in [0, 1], got {pctStart}.");
        _totalSteps = totalSteps;
        _anneal = annealStrategy;
        _maxLr = maxLr;
        _initialLr = maxLr / (double)divFactor;
        _minLr = _initialLr / finalDivFactor;
        if (cycleMomentum)
        {
            var first = optimizer.ParamGroups[0].Options;
            _momentumName = first.ContainsKey("beta1") ? "beta1" : first.ContainsKey("momentum") ? "momentum"
                : throw new ArgumentException($"OneCycleLR: {optimizer.Name} has no momentum or betas to cycle; pass cycleMomentum: false.");
            _baseMomentum = baseMomentum;
            _maxMomentum = maxMomentum;
        }
        double p = pctStart;
        _phases = threePhase
            ? [(p * totalSteps - 1, 0, 1), (2 * p * totalSteps - 2, 1, 0), (totalSteps - 1, 0, 2)]
            : [(p * totalSteps - 1, 0, 1), (totalSteps - 1, 1, 2)];
        Apply(0);
    }

    static Optimizer Prepare(Optimizer optimizer, float maxLr, float divFactor)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        if (!(maxLr > 0)) throw new ArgumentException($"OneCycleLR: maxLr must be positive, got {maxLr}.");
        if (!(divFactor > 0)) throw new ArgumentException($"OneCycleLR: divFactor must be positive, got {divFactor}.");
        foreach (var g in optimizer.ParamGroups) g.InitialLr = (float)(maxLr / (double)divFactor);
        return optimizer;
    }

    /// <summary>Advances one batch; stepping past <c>totalSteps</c> is an error, as in PyTorch.</summary>
    public override void Step()
    {
        if (LastEpoch + 1 > _totalSteps)
            throw new InvalidOperationException($"OneCycleLR: tried to step {LastEpoch + 1} times; totalSteps is {_totalSteps}.");
        base.Step();
    }

    protected internal override double LrAt(int group, int epoch)
    {
        var (i, pct) = Phase(epoch);
        var (_, from, to) = _phases[i];
        return Anneal(Rate(from), Rate(to), pct);
    }

    // Momentum runs against the learning rate: high while the rate is low. Phases: max→base, base→max (→ max).
    internal override void ApplyOthers(int group, int epoch)
    {
        if (_momentumName is null) return;
        var (i, pct) = Phase(epoch);
        double from = i == 1 ? _baseMomentum : _maxMomentum, to = i == 0 ? _baseMomentum : _maxMomentum;
        Optimizer.ParamGroups[group][_momentumName] = (float)Anneal(from, to, pct);
    }

    (int Index, double Pct) Phase(int epoch)
    {
        double start = 0;
        for (int i = 0; i < _phases.Length; i++)
        {
            double end = _phases[i].End;
            if (epoch <= end || i == _phases.Length - 1) return (i, (epoch - start) / (end - start));
            start = end;
        }
        throw new InvalidOperationException("OneCycleLR: no phase.");
    }

    double Anneal(double a, double b, double pct) => _anneal == AnnealStrategy.Cos ? b + (a - b) / 2 * (Math.Cos(Math.PI * pct) + 1) : (b - a) * pct + a;

    double Rate(int which) => which switch { 0 => _initialLr, 1 => _maxLr, _ => _minLr };
}
