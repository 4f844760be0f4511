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
        if (_layers.Count < 2 || !Recyclable()) { foreach (var m in _layers) x = m.Call(x); return x; }
        // The outputs passed between children are reachable only through the graph: their buffers are recycled once a
        // backward pass has freed every node recorded here (ActivationSegment).
        var outer = ActivationSegment.Captured;
        var nodes = new List<Node>();
        var buffers = new List<float[]>();
        ActivationSegment.Captured = nodes;
        try
        {
            for (int i = 0; i < _layers.Count; i++)
            {
                x = _layers[i].Call(x);
                if (i + 1 < _layers.Count && x.Storage.Length >= ActivationSegment.MinElements && !buffers.Contains(x.Storage, ReferenceEqualityComparer.Instance))
                    buffers.Add(x.Storage);
            }
        }
        finally
        {
            ActivationSegment.Captured = outer;
            outer?.AddRange(nodes);
        }
        buffers.RemoveAll(b => ReferenceEquals(b, input.Storage) || ReferenceEquals(b, x.Storage));
        if (buffers.Count > 0 && x.GradFn is { Segment: null } node && nodes.Contains(node)) node.Segment = new ActivationSegment(nodes, buffers);
        return x;
    }

    // Library layers that keep neither their input nor their output (beyond their graph nodes) and return either a new
    // buffer or a view of their input: what lets Sequential recycle the activations between them.
    static readonly HashSet<Type> s_recyclable =
    [
        typeof(Conv1d), typeof(Conv2d), typeof(Conv3d), typeof(Linear), typeof(ReLU), typeof(LeakyReLU), typeof(Sigmoid), typeof(Tanh),
        typeof(GELU), typeof(SiLU), typeof(MaxPool1d), typeof(MaxPool2d), typeof(AvgPool2d), typeof(Flatten), typeof(Dropout),
        typeof(BatchNorm1d), typeof(BatchNorm2d), typeof(Identity),
    ];

    bool Recyclable()
    {
        foreach (var m in _layers)
            if (m.HasForwardHooks || !s_recyclable.Contains(m.GetType()) || m is ConvNd { Transposed: true }) return false;
        return true;
    }

    // Under NoGrad nothing is recorded, so a convolution or linear layer followed by a ReLU runs as one op with the
    // ReLU applied in the kernel's store (no second pass over the output, no second output array). Only the library's
    // own layer types (not subclasses, whose Forward may differ) without forward hooks (which would see the
    // pre-activation output) are fused.
    // Once a child has read the previous output into a buffer of its own, that output is dead (nothing is recorded,
    // and the recyclable layers keep nothing), so its buffer is recycled at once; the input's and output's never are.
    Tensor ForwardInference(Tensor x)
    {
        var input = x;
        bool recycle = _layers.Count > 1 && Recyclable();
        for (int i = 0; i < _layers.Count; i++)
        {
            var prev = x;
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
            if (recycle && !ReferenceEquals(prev.Storage, x.Storage) && !ReferenceEquals(prev.Storage, input.Storage))
                ActivationSegment.Recycle(prev.Storage);
        }
        return x;
    }

    // MaxPool2d with a 2x2 window, stride 2, no padding or dilation, floor mode, no hooks.
    static bool IsPlainMaxPool2x2(Module m) => m.GetType() == typeof(MaxPool2d) && !m.HasForwardHooks && m is MaxPool2d p
        && p.KernelSize is [2, 2] && p.Stride is [2, 2] && p.Padding is [0, 0] && p.Dilation is [1, 1] && !p.CeilMode;

    public IEnumerator<Module> GetEnumerator() => _layers.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
