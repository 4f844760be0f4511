using System.Globalization;

namespace Fovea.Optim;

/// <summary>
/// Updates parameters from their gradients, like <c>torch.optim.Optimizer</c>: <see cref="Step"/> after
/// <c>loss.Backward()</c>, <see cref="ZeroGrad"/> before the next one. Parameters are contiguous leaf tensors
/// updated in place (no allocation per step once the state exists); parameters whose gradient is null are skipped.
/// <see cref="StateDict"/> is a flat ordered map: "group.{g}.{option}" and "state.{i}.{buffer}" (i counts
/// parameters across groups), every value a tensor (hyperparameters and step counts as 0-D).
/// </summary>
public abstract class Optimizer
{
    readonly List<ParamGroup> _groups;
    readonly List<ParamState> _state = [];
    readonly string[] _optionNames;

    /// <param name="name">The optimizer's name for error messages.</param>
    /// <param name="groups">The parameter groups; options they leave unset come from <paramref name="defaults"/>.</param>
    /// <param name="defaults">Every option this optimizer reads, with its default, in state-dict order ("lr" first).</param>
    protected Optimizer(string name, IEnumerable<ParamGroup> groups, IReadOnlyList<(string Name, float Value)> defaults)
    {
        Name = name;
        ArgumentNullException.ThrowIfNull(groups);
        _groups = [.. groups];
        _optionNames = [.. defaults.Select(d => d.Name)];
        if (_groups.Count == 0 || _groups.All(g => g.Params.Count == 0))
            throw new ArgumentException($"{name}: got an empty parameter list.");
        _defaults = defaults;
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        foreach (var g in _groups) Admit(g, seen);
    }

    readonly IReadOnlyList<(string Name, float Value)> _defaults;

    // Fills the group's unset options from the defaults and checks its parameters; adds their (empty) states.
    void Admit(ParamGroup g, HashSet<Tensor> seen)
    {
        foreach (var (key, value) in _defaults) if (!g.Options.ContainsKey(key)) g.Options[key] = value;
        foreach (var key in g.Options.Keys)
            if (key != "initial_lr" && !_optionNames.Contains(key))
                throw new ArgumentException($"{Name}: unknown option '{key}' in a parameter group (expected {string.Join(", ", _optionNames)}).");
        int index = _state.Count;
        foreach (var p in g.Params)
        {
            if (p is null) throw new ArgumentException($"{Name}: parameter {index} is null.");
            if (!p.IsLeaf) throw new ArgumentException($"{Name}: parameter {index} {p.Shape} is not a leaf tensor (made by {p.GradFnName}); optimize leaves only.");
            if (!p.IsContiguous) throw new ArgumentException($"{Name}: parameter {index} {p.Shape} is not contiguous; parameters must be contiguous tensors.");
            if (!seen.Add(p)) throw new ArgumentException($"{Name}: parameter {index} {p.Shape} appears more than once.");
            index++;
        }
        ValidateGroup(g);
        foreach (var _ in g.Params) _state.Add(new ParamState());
    }

    /// <summary>Checks a group's options (called for every group, from the constructor and <see cref="AddParamGroup"/>).</summary>
    private protected virtual void ValidateGroup(ParamGroup group) { }

    /// <summary>
    /// Adds a parameter group (e.g. layers unfrozen during fine-tuning), like PyTorch's <c>add_param_group</c>;
    /// options it leaves unset take the optimizer's defaults. Its parameters must not be in another group.
    /// </summary>
    public void AddParamGroup(ParamGroup group)
    {
        ArgumentNullException.ThrowIfNull(group);
        var seen = new HashSet<Tensor>(Parameters, ReferenceEqualityComparer.Instance);
        var optionsBefore = new Dictionary<string, float>(group.Options);
        int statesBefore = _state.Count;
        try { Admit(group, seen); }
        catch
        {
            group.Options.Clear();
            foreach (var (k, v) in optionsBefore) group.Options[k] = v;
            _state.RemoveRange(statesBefore, _state.Count - statesBefore);
            throw;
        }
        _groups.Add(group);
    }

    /// <summary>The optimizer's name (for messages).</summary>
    public string Name { get; }

    /// <summary>The parameter groups, each with its own options.</summary>
    public IReadOnlyList<ParamGroup> ParamGroups => _groups;

    /// <summary>The learning rate of the first group; setting it sets every group's.</summary>
    public float LearningRate
    {
        get => _groups[0].LearningRate;
        set { foreach (var g in _groups) g.LearningRate = value; }
    }

    /// <summary>Every parameter, in group order.</summary>
    public IEnumerable<Tensor> Parameters => _groups.SelectMany(g => g.Params);

    /// <summary>Sets every parameter's gradient to null.</summary>
    public void ZeroGrad()
    {
        foreach (var g in _groups) foreach (var p in g.Params) p.Grad = null;
    }

    /// <summary>Applies one update to every parameter that has a gradient (under NoGrad).</summary>
    public void Step()
    {
        using var _ = Fovea.Autograd.NoGrad();
        int index = 0;
        foreach (var g in _groups)
        {
            foreach (var p in g.Params)
            {
                var grad = p.Grad;
                var st = _state[index++];
                if (grad is null) continue;
                if (grad.Shape != p.Shape)
                    throw new ShapeMismatchException($"{Name}.Step: parameter {index - 1} {p.Shape} has a gradient of shape {grad.Shape}.");
                var gc = grad.IsContiguous ? grad : Ops.ContiguousCopy(grad);
                Update(g, st, p.Span, gc.Span);
            }
        }
    }

    /// <summary>Updates one parameter in place from its gradient; <paramref name="state"/> persists between steps.</summary>
    private protected abstract void Update(ParamGroup group, ParamState state, Span<float> param, ReadOnlySpan<float> grad);

    /// <summary>The buffers this optimizer may keep per parameter (for validating a loaded state).</summary>
    private protected abstract IReadOnlyList<string> BufferNames { get; }

    /// <summary>True when the per-parameter step count is part of the state.</summary>
    private protected virtual bool TracksStep => true;

    /// <summary>The state of the parameter at flat index <paramref name="index"/> (across groups).</summary>
    public ParamState State(int index) => _state[index];

    /// <summary>Hyperparameters and per-parameter state as a flat ordered map of tensors (copies).</summary>
    public Dictionary<string, Tensor> StateDict()
    {
        var d = new Dictionary<string, Tensor>();
        for (int g = 0; g < _groups.Count; g++)
        {
            d[$"group.{g}.params"] = Tensor.Scalar(_groups[g].Params.Count);
            foreach (var key in _optionNames) d[$"group.{g}.{key}"] = Tensor.Scalar(_groups[g].Options[key]);
            if (_groups[g].InitialLr is float il) d[$"group.{g}.initial_lr"] = Tensor.Scalar(il);
        }
        int i = 0;
        foreach (var p in Parameters)
        {
            var st = _state[i];
            if (!st.IsEmpty)
            {
                if (TracksStep) d[$"state.{i}.step"] = Tensor.Scalar(st.Step);
                foreach (var (name, data) in st.Buffers) d[$"state.{i}.{name}"] = Tensor.FromArray(data, p.Shape.ToArray());
            }
            i++;
        }
        return d;
    }

    /// <summary>
    /// Restores hyperparameters and state saved by <see cref="StateDict"/> from an optimizer of the same kind over
    /// parameters of the same shapes. Checks everything before changing anything.
    /// </summary>
    public void LoadStateDict(IReadOnlyDictionary<string, Tensor> stateDict)
    {
        ArgumentNullException.ThrowIfNull(stateDict);
        var parameters = Parameters.ToArray();
        var options = new Dictionary<string, float>[_groups.Count];
        for (int g = 0; g < _groups.Count; g++) options[g] = [];
        var states = new ParamState?[parameters.Length];
        foreach (var (key, value) in stateDict)
        {
            var parts = key.Split('.');
            if (parts.Length != 3 || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int k))
                throw new ArgumentException($"{Name}.LoadStateDict: unexpected key '{key}'.");
            string what = parts[2];
            if (parts[0] == "group")
            {
                if (k >= _groups.Count) throw new ArgumentException($"{Name}.LoadStateDict: '{key}' names group {k}, but this optimizer has {_groups.Count}.");
                float v = Scalar(key, value);
                if (what == "params")
                {
                    if (v != _groups[k].Params.Count)
                        throw new ArgumentException($"{Name}.LoadStateDict: group {k} had {v} parameters, this one has {_groups[k].Params.Count}.");
                }
                else if (what == "initial_lr" || _optionNames.Contains(what)) options[k][what] = v;
                else throw new ArgumentException($"{Name}.LoadStateDict: unknown option '{key}' (expected {string.Join(", ", _optionNames)}).");
            }
            else if (parts[0] == "state")
            {
                if (k >= parameters.Length) throw new ArgumentException($"{Name}.LoadStateDict: '{key}' names parameter {k}, but this optimizer has {parameters.Length}.");
                var st = states[k] ??= new ParamState();
                if (what == "step" && TracksStep) st.Step = (long)Scalar(key, value);
                else if (BufferNames.Contains(what))
                {
                    if (value.Shape != parameters[k].Shape)
                        throw new ShapeMismatchException($"{Name}.LoadStateDict: '{key}' has shape {value.Shape}, parameter {k} has {parameters[k].Shape}.");
                    value.CopyTo(st.Buffer(what, value.Numel));
                }
                else throw new ArgumentException($"{Name}.LoadStateDict: unknown state '{key}' (expected {(TracksStep ? "step, " : "")}{string.Join(", ", BufferNames)}).");
            }
            else throw new ArgumentException($"{Name}.LoadStateDict: unexpected key '{key}'.");
        }
        for (int g = 0; g < _groups.Count; g++)
            foreach (var key in _optionNames.Prepend("params"))
                if (key != "params" ? !options[g].ContainsKey(key) : !stateDict.ContainsKey($"group.{g}.params"))
                    throw new ArgumentException($"{Name}.LoadStateDict: missing 'group.{g}.{key}'.");
        for (int g = 0; g < _groups.Count; g++)
        {
            var o = _groups[g].Options;
            o.Remove("initial_lr");
            foreach (var (key, v) in options[g]) o[key] = v;
        }
        for (int i = 0; i < parameters.Length; i++)
        {
            var st = _state[i];
            st.Buffers.Clear();
            st.Step = 0;
            if (states[i] is { } s) { st.Step = s.Step; st.Buffers.AddRange(s.Buffers); }
        }
    }

    static float Scalar(string key, Tensor t)
    {
        if (t.Numel != 1) throw new ShapeMismatchException($"Optimizer.LoadStateDict: '{key}' must be a single value, got shape {t.Shape}.");
        return t.Item();
    }

    /// <summary>Throws unless <paramref name="value"/> is a finite number at least <paramref name="min"/>.</summary>
    private protected static void CheckAtLeast(string name, string what, float value, float min = 0)
    {
        if (!(value >= min) || float.IsInfinity(value))
            throw new ArgumentException($"{name}: invalid {what} {value} (expected a finite value >= {min}).");
    }
}
