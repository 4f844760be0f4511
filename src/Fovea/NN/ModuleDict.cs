using System.Collections;

namespace Fovea.NN;

/// <summary>Holds modules by name, in insertion order, so their parameters are registered; has no Forward of its own.</summary>
public class ModuleDict : Module, IEnumerable<KeyValuePair<string, Module>>
{
    readonly OrderedDictionary<string, Module> _items = [];

    public ModuleDict() { }

    public ModuleDict(IEnumerable<KeyValuePair<string, Module>> modules)
    {
        foreach (var (k, m) in modules) Add(k, m);
    }

    /// <summary>Adds or replaces the module under <paramref name="name"/>; returns this.</summary>
    public ModuleDict Add(string name, Module module)
    {
        RegisterModule(name, module);
        _items[name] = module;
        return this;
    }

    public Module this[string name] => _items.TryGetValue(name, out var m) ? m
        : throw new KeyNotFoundException($"ModuleDict: no module named \"{name}\"; names are {string.Join(", ", _items.Keys)}.");
    public int Count => _items.Count;
    public IEnumerable<string> Keys => _items.Keys;
    public bool ContainsKey(string name) => _items.ContainsKey(name);

    public override Tensor Forward(Tensor input) =>
        throw new InvalidOperationException("ModuleDict has no Forward: call its items from the owning module's Forward.");

    public IEnumerator<KeyValuePair<string, Module>> GetEnumerator() => _items.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
