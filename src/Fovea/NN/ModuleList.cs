using System.Collections;

namespace Fovea.NN;

/// <summary>Holds modules by position ("0", "1", ...) so their parameters are registered; has no Forward of its own.</summary>
public class ModuleList : Module, IEnumerable<Module>
{
    readonly List<Module> _items = [];

    public ModuleList(params Module[] modules)
    {
        foreach (var m in modules) Add(m);
    }

    /// <summary>Appends a module; returns this.</summary>
    public ModuleList Add(Module module)
    {
        RegisterModule(_items.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), module);
        _items.Add(module);
        return this;
    }

    public Module this[int index] => _items[index < 0 ? index + _items.Count : index];
    public int Count => _items.Count;

    public override Tensor Forward(Tensor input) =>
        throw new InvalidOperationException("ModuleList has no Forward: call its items from the owning module's Forward.");

    public IEnumerator<Module> GetEnumerator() => _items.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
