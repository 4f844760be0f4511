using System.Globalization;

namespace Fovea.Optim;

/// <summary>
/// Sets the optimizer's learning rates from a schedule, like <c>torch.optim.lr_scheduler</c>. Call
/// <see cref="Step"/> once per epoch or once per batch, as the schedule was designed for; construction applies
/// epoch 0. Schedules are closed forms of the epoch count and each group's initial learning rate (recorded in
/// <see cref="ParamGroup.InitialLr"/> by the first scheduler attached), computed in double; chain several with
/// <see cref="SequentialLR"/>.
/// </summary>
public abstract class LRScheduler
{
    readonly float[] _lastLr;

    protected LRScheduler(Optimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        Optimizer = optimizer;
        foreach (var g in optimizer.ParamGroups) g.InitialLr ??= g.LearningRate;
        BaseLrs = [.. optimizer.ParamGroups.Select(g => (double)g.InitialLr!.Value)];
        _lastLr = new float[BaseLrs.Length];
    }

    /// <summary>The optimizer whose learning rates this sets.</summary>
    public Optimizer Optimizer { get; }

    /// <summary>Each group's starting learning rate.</summary>
    public double[] BaseLrs { get; }

    /// <summary>Number of <see cref="Step"/> calls so far.</summary>
    public int LastEpoch { get; private set; }

    /// <summary>The learning rates this scheduler last set, one per group.</summary>
    public IReadOnlyList<float> LastLr => _lastLr;

    /// <summary>The learning rate of group <paramref name="group"/> at <paramref name="epoch"/>.</summary>
    protected internal abstract double LrAt(int group, int epoch);

    /// <summary>Advances one epoch (or batch) and sets the new learning rates.</summary>
    public virtual void Step() => Apply(LastEpoch + 1);

    /// <summary>Sets the learning rates of <paramref name="epoch"/>; subclasses call it with 0 at the end of their constructor.</summary>
    protected void Apply(int epoch)
    {
        LastEpoch = epoch;
        for (int g = 0; g < _lastLr.Length; g++)
        {
            float lr = (float)LrAt(g, epoch);
            Optimizer.ParamGroups[g].LearningRate = lr;
            _lastLr[g] = lr;
            ApplyOthers(g, epoch);
        }
    }

    /// <summary>Sets hyperparameters other than the learning rate that the schedule drives (OneCycleLR's momentum).</summary>
    internal virtual void ApplyOthers(int group, int epoch) { }

    /// <summary>The position in the schedule: "last_epoch" and "base_lr.{g}", as 0-D tensors.</summary>
    public Dictionary<string, Tensor> StateDict()
    {
        var d = new Dictionary<string, Tensor> { ["last_epoch"] = Tensor.Scalar(LastEpoch) };
        for (int g = 0; g < BaseLrs.Length; g++) d[$"base_lr.{g}"] = Tensor.Scalar((float)BaseLrs[g]);
        return d;
    }

    /// <summary>Restores <see cref="StateDict"/> and sets the learning rates of the restored epoch.</summary>
    public void LoadStateDict(IReadOnlyDictionary<string, Tensor> stateDict)
    {
        ArgumentNullException.ThrowIfNull(stateDict);
        string name = GetType().Name;
        var baseLrs = new double?[BaseLrs.Length];
        int? epoch = null;
        foreach (var (key, value) in stateDict)
        {
            if (value.Numel != 1) throw new ShapeMismatchException($"{name}.LoadStateDict: '{key}' must be a single value, got shape {value.Shape}.");
            if (key == "last_epoch") epoch = (int)value.Item();
            else if (key.StartsWith("base_lr.", StringComparison.Ordinal)
                && int.TryParse(key.AsSpan(8), NumberStyles.None, CultureInfo.InvariantCulture, out int g) && g < BaseLrs.Length)
                baseLrs[g] = value.Item();
            else throw new ArgumentException($"{name}.LoadStateDict: unexpected key '{key}' (expected last_epoch and base_lr.0..{BaseLrs.Length - 1}).");
        }
        if (epoch is null || epoch < 0) throw new ArgumentException($"{name}.LoadStateDict: missing or negative 'last_epoch'.");
        for (int g = 0; g < BaseLrs.Length; g++)
            BaseLrs[g] = baseLrs[g] ?? throw new ArgumentException($"{name}.LoadStateDict: missing 'base_lr.{g}'.");
        Apply(epoch.Value);
    }
}
