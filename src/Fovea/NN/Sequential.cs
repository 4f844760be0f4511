using System.Collections;

namespace Fovea.NN;

/// <summary>
/// Runs its children in order, each on the previous one's output. Children are named "0", "1", ... (as in PyTorch,
/// so state-dict keys read "0.weight"), or by the names given to <see cref="Add(string, Module)"/>.
/// </summary>
public class Sequential : Module, IEnumerable<Module>
{
    readonly List<Module> _layers = [];

    public Sequential(params Module[] modules)
    {
        foreach (var m in modules) Add(m);
    }

    /// <summary>Appends a module named by its position; returns this for chaining.</summary>
    public Sequential Add(Module module) => Add(_layers.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), module);

    /// <summary>Appends a module under an explicit name; returns this.</summary>
    public Sequential Add(string name, Module module)
    {
        if (NamedChildren().Any(c => c.Name == name)) throw new ArgumentException($"Sequential: a child named \"{name}\" exists already.");
        RegisterModule(name, module);
        _layers.Add(module);
        return this;
    }

    /// <summary>The i-th layer (negative counts from the end).</summary>
    public Module this[int index]
    {
        get
        {
            int i = index < 0 ? index + _layers.Count : index;
            if ((uint)i >= (uint)_layers.Count) throw new ArgumentOutOfRangeException(nameof(index), $"Sequential: index {index} is out of range for {_layers.Count} layers.");
            return _layers[i];
        }
    }

    /// <summary>Number of layers.</summary>
    public int Count => _layers.Count;

    public override Tensor Forward(Tensor input)
    {
        var x = input;
        foreach (var m in _layers) x = m.Call(x);
        return x;
    }

    public IEnumerator<Module> GetEnumerator() => _layers.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
