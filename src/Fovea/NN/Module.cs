using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Fovea.NN;

/// <summary>
/// Base class of every layer and model, like <c>torch.nn.Module</c>: named parameters (tensors that learn), buffers
/// (state saved with the model but not learned, e.g. running statistics) and child modules, registered explicitly
/// in the constructor. Names join with '.' (<c>features.0.weight</c>) and match PyTorch's state-dict keys.
/// <code>
/// class Net : Module
/// {
///     readonly Linear _fc1, _fc2;
///     public Net() { _fc1 = RegisterModule("fc1", new Linear(784, 128)); _fc2 = RegisterModule("fc2", new Linear(128, 10)); }
///     public override Tensor Forward(Tensor x) => _fc2.Call(_fc1.Call(x).Relu());
/// }
/// </code>
/// Call a module with <see cref="Call"/> (runs forward hooks) rather than <see cref="Forward"/>.
/// </summary>
public abstract class Module
{
    readonly List<(string Name, Tensor? Value)> _parameters = [];
    readonly List<(string Name, Tensor? Value)> _buffers = [];
    readonly List<(string Name, Module Value)> _children = [];
    List<ForwardHook>? _hooks;
    bool _training = true;

    /// <summary>The computation. Implement it; call modules through <see cref="Call"/>.</summary>
    public abstract Tensor Forward(Tensor input);

    /// <summary>Runs <see cref="Forward"/>, then the forward hooks (which see the input and the output).</summary>
    public Tensor Call(Tensor input)
    {
        var output = Forward(input);
        if (_hooks is { Count: > 0 })
            foreach (var h in _hooks.ToArray()) h.Fn(this, input, output);
        return output;
    }

    /// <summary>Whether any forward hook is registered (an inference plan must then not fuse this module away).</summary>
    internal bool HasForwardHooks => _hooks is { Count: > 0 };

    /// <summary>The class name shown in <see cref="ToString"/> and <see cref="Summary"/> (PyTorch's, e.g. "Conv2d").</summary>
    public virtual string TypeName => GetType().Name;

    // ---- registration ----

    /// <summary>
    /// Registers (or replaces) a parameter under <paramref name="name"/> and returns it; it becomes a leaf that requires
    /// grad. A null value registers nothing (an absent optional parameter such as <c>bias: false</c>) and returns null.
    /// </summary>
    [return: NotNullIfNotNull(nameof(value))]
    protected Tensor? RegisterParameter(string name, Tensor? value)
    {
        CheckName(name, Kind.Parameter);
        if (value is null) return null;
        if (!value.IsLeaf) throw new ArgumentException($"{TypeName}.RegisterParameter(\"{name}\"): the tensor must be a leaf (no grad_fn); Detach() or Clone() it first.");
        if (!value.IsContiguous) value = value.Clone();
        value.RequiresGrad = true;
        Set(_parameters, name, value);
        return value;
    }

    /// <summary>Registers (or replaces) a buffer: saved in the state dict, never learned (e.g. running statistics).</summary>
    protected Tensor RegisterBuffer(string name, Tensor value)
    {
        CheckName(name, Kind.Buffer);
        ArgumentNullException.ThrowIfNull(value);
        if (!value.IsContiguous || !value.IsLeaf) value = value.Clone();
        Set(_buffers, name, value);
        return value;
    }

    /// <summary>Registers (or replaces) a child module under <paramref name="name"/>; returns it for assignment to a field.</summary>
    protected T RegisterModule<T>(string name, T module) where T : Module
    {
        ArgumentNullException.ThrowIfNull(module);
        CheckName(name, Kind.Module);
        int i = _children.FindIndex(c => c.Name == name);
        if (i >= 0) _children[i] = (name, module); else _children.Add((name, module));
        return module;
    }

    enum Kind { Parameter, Buffer, Module }

    void CheckName(string name, Kind kind)
    {
        if (string.IsNullOrEmpty(name) || name.Contains('.'))
            throw new ArgumentException($"{TypeName}: name \"{name}\" must be non-empty and contain no '.'.");
        bool clash = (kind != Kind.Parameter && _parameters.Exists(x => x.Name == name))
            || (kind != Kind.Buffer && _buffers.Exists(x => x.Name == name))
            || (kind != Kind.Module && _children.Exists(x => x.Name == name));
        if (clash) throw new ArgumentException($"{TypeName}: \"{name}\" is already registered as a different kind (parameter, buffer or module).");
    }

    static void Set(List<(string, Tensor?)> list, string name, Tensor? value)
    {
        int i = list.FindIndex(x => x.Item1 == name);
        if (i >= 0) list[i] = (name, value); else list.Add((name, value));
    }

    // ---- traversal ----

    /// <summary>This module's own parameters (not its children's), in registration order.</summary>
    public IEnumerable<(string Name, Tensor Value)> OwnParameters()
    {
        foreach (var (n, t) in _parameters) if (t is not null) yield return (n, t);
    }

    /// <summary>The direct children with their names.</summary>
    public IEnumerable<(string Name, Module Module)> NamedChildren() => _children.ToArray();

    /// <summary>The direct children.</summary>
    public IEnumerable<Module> Children() => _children.Select(c => c.Value).ToArray();

    /// <summary>This module (name "") and every descendant, depth first, each once, with dotted names.</summary>
    public IEnumerable<(string Name, Module Module)> NamedModules()
    {
        var seen = new HashSet<Module>(ReferenceEqualityComparer.Instance);
        var result = new List<(string, Module)>();
        Walk(this, "", seen, result);
        return result;

        static void Walk(Module m, string prefix, HashSet<Module> seen, List<(string, Module)> acc)
        {
            if (!seen.Add(m)) return;
            acc.Add((prefix, m));
            foreach (var (n, c) in m._children) Walk(c, prefix.Length == 0 ? n : prefix + "." + n, seen, acc);
        }
    }

    /// <summary>
    /// The descendant at a dotted path ("features.3"), like <c>get_submodule</c>; "" is this module. Throws naming the
    /// first missing part and the children that exist there.
    /// </summary>
    public Module GetSubmodule(string target)
    {
        ArgumentNullException.ThrowIfNull(target);
        var m = this;
        if (target.Length == 0) return m;
        foreach (var part in target.Split('.'))
        {
            int i = m._children.FindIndex(c => c.Name == part);
            if (i < 0)
                throw new ArgumentException($"GetSubmodule(\"{target}\"): {m.TypeName} has no child \"{part}\"; its children are {(m._children.Count == 0 ? "none" : string.Join(", ", m._children.Select(c => c.Name)))}.");
            m = m._children[i].Value;
        }
        return m;
    }

    /// <summary>This module and every descendant.</summary>
    public IEnumerable<Module> Modules() => NamedModules().Select(m => m.Module);

    /// <summary>Every parameter with its dotted name (shared tensors listed once), like <c>named_parameters()</c>.</summary>
    public IEnumerable<(string Name, Tensor Parameter)> NamedParameters() => Collect(m => m._parameters, dedup: true);

    /// <summary>Every parameter (shared tensors listed once).</summary>
    public IEnumerable<Tensor> Parameters() => NamedParameters().Select(p => p.Parameter);

    /// <summary>Every buffer with its dotted name.</summary>
    public IEnumerable<(string Name, Tensor Buffer)> NamedBuffers() => Collect(m => m._buffers, dedup: true);

    /// <summary>Every buffer.</summary>
    public IEnumerable<Tensor> Buffers() => NamedBuffers().Select(b => b.Buffer);

    List<(string, Tensor)> Collect(Func<Module, List<(string Name, Tensor? Value)>> pick, bool dedup)
    {
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        var r = new List<(string, Tensor)>();
        foreach (var (prefix, m) in NamedModules())
            foreach (var (n, t) in pick(m))
                if (t is not null && (!dedup || seen.Add(t))) r.Add((Join(prefix, n), t));
        return r;
    }

    static string Join(string prefix, string name) => prefix.Length == 0 ? name : prefix + "." + name;

    /// <summary>Calls <paramref name="fn"/> on every descendant and then on this module (like <c>apply</c>); returns this.</summary>
    public Module Apply(Action<Module> fn)
    {
        foreach (var c in Children()) c.Apply(fn);
        fn(this);
        return this;
    }

    // ---- modes ----

    /// <summary>True in training mode (Dropout drops, BatchNorm uses batch statistics); the default.</summary>
    public bool IsTraining => _training;

    /// <summary>Sets training mode on this module and every descendant; returns this.</summary>
    public Module Train(bool on = true)
    {
        foreach (var (_, m) in NamedModules()) m._training = on;
        return this;
    }

    /// <summary>Evaluation mode: same as <c>Train(false)</c>.</summary>
    public Module Eval() => Train(false);

    // ---- gradients and freezing ----

    /// <summary>Clears the gradient of every parameter.</summary>
    public void ZeroGrad()
    {
        foreach (var p in Parameters()) p.Grad = null;
    }

    /// <summary>Turns gradients on or off for every parameter; returns this.</summary>
    public Module RequiresGrad_(bool requiresGrad = true)
    {
        foreach (var p in Parameters()) p.RequiresGrad = requiresGrad;
        return this;
    }

    /// <summary>
    /// Stops the parameters whose names match <paramref name="pattern"/> from learning (all when null). The pattern is a
    /// glob over dotted names: '*' any run of characters, '?' one; a module prefix matches everything under it
    /// ("features" freezes "features.0.weight"). Returns how many parameters it froze; a pattern matching nothing is an error.
    /// </summary>
    public int Freeze(string? pattern = null) => SetRequiresGrad(pattern, false, nameof(Freeze));

    /// <summary>The inverse of <see cref="Freeze"/>.</summary>
    public int Unfreeze(string? pattern = null) => SetRequiresGrad(pattern, true, nameof(Unfreeze));

    int SetRequiresGrad(string? pattern, bool on, string what)
    {
        int n = 0;
        foreach (var (name, p) in NamedParameters())
        {
            if (pattern is not null && !NameMatches(pattern, name)) continue;
            p.RequiresGrad = on;
            n++;
        }
        if (n == 0 && pattern is not null)
            throw new ArgumentException($"{what}(\"{pattern}\"): no parameter name matches; names are {string.Join(", ", NamedParameters().Select(p => p.Name).Take(20))}.");
        return n;
    }

    /// <summary>True when <paramref name="name"/> matches the glob, or lies under a module the glob names.</summary>
    public static bool NameMatches(string pattern, string name)
    {
        if (Glob(pattern, name)) return true;
        for (int i = name.IndexOf('.'); i >= 0; i = name.IndexOf('.', i + 1))
            if (Glob(pattern, name[..i])) return true;
        return false;
    }

    static bool Glob(string p, string s)
    {
        int pi = 0, si = 0, star = -1, mark = 0;
        while (si < s.Length)
        {
            if (pi < p.Length && (p[pi] == '?' || p[pi] == s[si])) { pi++; si++; }
            else if (pi < p.Length && p[pi] == '*') { star = pi++; mark = si; }
            else if (star >= 0) { pi = star + 1; si = ++mark; }
            else return false;
        }
        while (pi < p.Length && p[pi] == '*') pi++;
        return pi == p.Length;
    }

    // ---- hooks ----

    sealed record ForwardHook(Action<Module, Tensor, Tensor> Fn);

    /// <summary>
    /// Calls <paramref name="hook"/>(module, input, output) after every <see cref="Call"/>. To capture the gradient of
    /// an activation, call <c>output.RegisterHook(g => ...)</c> inside the hook. Dispose the handle to remove it.
    /// </summary>
    public HookHandle RegisterForwardHook(Action<Module, Tensor, Tensor> hook)
    {
        ArgumentNullException.ThrowIfNull(hook);
        var h = new ForwardHook(hook);
        (_hooks ??= []).Add(h);
        return new HookHandle(() => _hooks.Remove(h));
    }

    // ---- state dict ----

    /// <summary>
    /// Every parameter and buffer by dotted name, in PyTorch's order (a module's parameters, then its buffers, then
    /// its children). Values are detached views sharing storage with the model: clone them to keep a snapshot.
    /// </summary>
    public OrderedDictionary<string, Tensor> StateDict()
    {
        var d = new OrderedDictionary<string, Tensor>();
        AddState(this, "", d, new HashSet<Module>(ReferenceEqualityComparer.Instance));
        return d;

        static void AddState(Module m, string prefix, OrderedDictionary<string, Tensor> d, HashSet<Module> seen)
        {
            if (!seen.Add(m)) return;
            foreach (var (n, t) in m._parameters) if (t is not null) d[Join(prefix, n)] = t.Detach();
            foreach (var (n, t) in m._buffers) if (t is not null) d[Join(prefix, n)] = t.Detach();
            foreach (var (n, c) in m._children) AddState(c, Join(prefix, n), d, seen);
        }
    }

    /// <summary>
    /// Copies values into this model's parameters and buffers (in place, so optimizers keep their references).
    /// Every wrongly-shaped key is an error; with <paramref name="strict"/> so is every missing or unexpected key.
    /// All problems are reported together in one <see cref="StateDictException"/> and nothing is changed then.
    /// Returns the missing and unexpected keys (empty when strict).
    /// </summary>
    public (IReadOnlyList<string> MissingKeys, IReadOnlyList<string> UnexpectedKeys) LoadStateDict(IReadOnlyDictionary<string, Tensor> stateDict, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(stateDict);
        var own = StateDict();
        var missing = own.Keys.Where(k => !stateDict.ContainsKey(k)).ToList();
        var unexpected = stateDict.Keys.Where(k => !own.ContainsKey(k)).ToList();
        var wrong = new List<string>();
        foreach (var (k, t) in own)
            if (stateDict.TryGetValue(k, out var v) && v.Shape != t.Shape)
                wrong.Add($"{k}: model has {t.Shape}, checkpoint has {v.Shape}");
        if (wrong.Count > 0 || (strict && (missing.Count > 0 || unexpected.Count > 0)))
            throw new StateDictException(TypeName, strict ? missing : [], strict ? unexpected : [], wrong);
        foreach (var (k, t) in own)
            if (stateDict.TryGetValue(k, out var v))
                v.CopyTo(t.Storage.AsSpan(t.Offset, t.Numel));
        return (missing, unexpected);
    }

    /// <summary>
    /// A <see cref="ShapeMismatchException"/> naming this layer (its repr), what it expected and the input's shape:
    /// "Conv2d(3, 16, kernel_size=(3, 3), stride=(1, 1)): expected input [N,3,H,W], got [8,1,28,28]".
    /// </summary>
    protected ShapeMismatchException InputError(Tensor input, string expected, string? detail = null) =>
        new($"{this}: expected input {expected}, got {input.Shape}{(detail is null ? "" : " (" + detail + ")")}.");

    /// <summary>
    /// Checks a channels-first input [N, C, spatial...] with <paramref name="spatialDims"/> spatial axes (or, when
    /// <paramref name="allowUnbatched"/>, also [C, spatial...]) and C = <paramref name="channels"/> (-1: any).
    /// </summary>
    protected void CheckChannelsFirst(Tensor input, int spatialDims, int channels, bool allowUnbatched = false)
    {
        string sp = spatialDims switch { 0 => "", 1 => ",L", 2 => ",H,W", _ => ",D,H,W" };
        string c = channels < 0 ? "C" : channels.ToString(System.Globalization.CultureInfo.InvariantCulture);
        string expected = $"[N,{c}{sp}]" + (allowUnbatched ? $" or [{c}{sp}]" : "");
        int rank = input.Rank;
        if (rank != spatialDims + 2 && !(allowUnbatched && rank == spatialDims + 1))
            throw InputError(input, expected, $"{rank}-D");
        int have = input.Shape[rank - spatialDims - 1];
        if (channels >= 0 && have != channels)
            throw InputError(input, expected, $"{have} channels, expected {channels}");
    }

    // ---- printing ----

    /// <summary>The constructor arguments shown inside the parentheses of <see cref="ToString"/>, e.g. "3, 16, kernel_size=(3, 3)".</summary>
    protected virtual string ExtraRepr() => "";

    /// <summary>The module tree, like PyTorch's repr.</summary>
    public override string ToString()
    {
        var extra = ExtraRepr();
        if (_children.Count == 0) return $"{TypeName}({extra})";
        var sb = new StringBuilder(TypeName).Append('(');
        if (extra.Length > 0) sb.Append("\n  ").Append(extra);
        foreach (var (n, c) in _children)
            sb.Append("\n  (").Append(n).Append("): ").Append(c.ToString().Replace("\n", "\n  "));
        return sb.Append("\n)").ToString();
    }

    // ---- summary ----

    /// <summary>
    /// The number of multiply-adds one call performs for this input and output (0 for layers whose cost is not
    /// counted). Used by <see cref="Summary"/>; layers with weights override it.
    /// </summary>
    protected internal virtual long MultiplyAdds(Tensor input, Tensor output) => 0;

    /// <summary>
    /// A Keras-style table: one row per leaf layer (and per module holding its own parameters) in the order the calls finish (name, type, output shape, parameters, multiply-adds),
    /// then totals with trainable vs frozen parameters. Runs one forward pass on zeros of <paramref name="inputShape"/>
    /// (batch axis included, e.g. <c>Summary(1, 3, 32, 32)</c>) in eval mode under NoGrad; the mode is restored after.
    /// </summary>
    public string Summary(params int[] inputShape) => ModuleSummary.Build(this, inputShape);

    internal bool HasChildren => _children.Count > 0;
}
