using System.Collections;
using Fovea.Kernels;

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
        if (!Autograd.IsEnabled) return ForwardInference(x);
        foreach (var m in _layers) x = m.Call(x);
        return x;
    }

    // Under NoGrad nothing is recorded, so a convolution or linear layer followed by a ReLU runs as one op with the
    // ReLU applied in the kernel's store (no second pass over the output, no second output array). Only the library's
    // own layer types (not subclasses, whose Forward may differ) without forward hooks (which would see the
    // pre-activation output) are fused.
    Tensor ForwardInference(Tensor x)
    {
        for (int i = 0; i < _layers.Count; i++)
        {
            var m = _layers[i];
            bool fuse = i + 1 < _layers.Count && !m.HasForwardHooks && _layers[i + 1] is { } next
                && next.GetType() == typeof(ReLU) && !next.HasForwardHooks;
            if (fuse && m is ConvNd { Transposed: false } conv && (m.GetType() == typeof(Conv2d) || m.GetType() == typeof(Conv1d) || m.GetType() == typeof(Conv3d)))
            {
                // Conv2d + ReLU + 2x2 max pool: the convolution's output lives only in a pooled scratch buffer.
                bool pool = m.GetType() == typeof(Conv2d) && i + 2 < _layers.Count && IsPlainMaxPool2x2(_layers[i + 2]);
                x = conv.Forward(x, GemmActivation.Relu, pool);
                i += pool ? 2 : 1;
            }
            else if (fuse && m.GetType() == typeof(Linear))
            {
                x = ((Linear)m).Forward(x, GemmActivation.Relu);
                i++;
            }
            else x = m.Call(x);
        }
        return x;
    }

    // MaxPool2d with a 2x2 window, stride 2, no padding or dilation, floor mode, no hooks.
    static bool IsPlainMaxPool2x2(Module m) => m.GetType() == typeof(MaxPool2d) && !m.HasForwardHooks && m is MaxPool2d p
        && p.KernelSize is [2, 2] && p.Stride is [2, 2] && p.Padding is [0, 0] && p.Dilation is [1, 1] && !p.CeilMode;

    public IEnumerator<Module> GetEnumerator() => _layers.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
