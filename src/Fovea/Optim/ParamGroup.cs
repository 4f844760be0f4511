namespace Fovea.Optim;

/// <summary>
/// A set of parameters sharing hyperparameters (PyTorch's <c>param_groups</c> entry). Options left unset here take
/// the optimizer's defaults when the optimizer is built; every option can be read or changed per group by name
/// (<c>group["momentum"]</c>), booleans as 0/1.
/// </summary>
public sealed class ParamGroup
{
    internal readonly Dictionary<string, float> Options = [];

    /// <summary>
    /// A group over <paramref name="parameters"/> with optional per-group learning rate, weight decay and other
    /// options by their PyTorch names (e.g. <c>new() { ["momentum"] = 0.9f }</c>; the optimizer rejects names it does not know).
    /// </summary>
    public ParamGroup(IEnumerable<Tensor> parameters, float? lr = null, float? weightDecay = null, IReadOnlyDictionary<string, float>? options = null)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Params = [.. parameters];
        if (options is not null) foreach (var (k, v) in options) Options[k] = v;
        if (lr is float l) Options["lr"] = l;
        if (weightDecay is float w) Options["weight_decay"] = w;
    }

    /// <summary>The parameters, in order.</summary>
    public IReadOnlyList<Tensor> Params { get; }

    /// <summary>The learning rate (what schedulers change).</summary>
    public float LearningRate { get => this["lr"]; set => Options["lr"] = value; }

    /// <summary>The weight decay (L2 penalty, or decoupled for AdamW).</summary>
    public float WeightDecay { get => this["weight_decay"]; set => Options["weight_decay"] = value; }

    /// <summary>The learning rate a scheduler started from (set by the first scheduler attached), or null.</summary>
    public float? InitialLr
    {
        get => Options.TryGetValue("initial_lr", out var v) ? v : null;
        set { if (value is float v) Options["initial_lr"] = v; else Options.Remove("initial_lr"); }
    }

    /// <summary>A hyperparameter by its PyTorch name ("lr", "momentum", "beta1", "eps", "amsgrad", ...).</summary>
    public float this[string name]
    {
        get => Options.TryGetValue(name, out var v) ? v : throw new KeyNotFoundException($"ParamGroup: no option '{name}' (has {string.Join(", ", Options.Keys)}).");
        set
        {
            if (!Options.ContainsKey(name)) throw new KeyNotFoundException($"ParamGroup: no option '{name}' (has {string.Join(", ", Options.Keys)}).");
            Options[name] = value;
        }
    }
}
