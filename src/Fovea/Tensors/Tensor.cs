using System.Runtime.CompilerServices;
using System.Text;
using Fovea.Kernels;

namespace Fovea;

/// <summary>
/// A dense float32 tensor: sizes, strides and an offset over a shared storage array, so that views (reshape,
/// transpose, slice, expand) do not copy. Row-major; images are NCHW. No math lives here: methods such as
/// <c>x.Exp()</c> are one-line forwards into <see cref="Ops"/>, declared beside each op.
/// </summary>
public sealed partial class Tensor
{
    internal readonly float[] Storage;
    internal readonly int Offset;
    internal readonly int[] Strides;
    readonly Shape _shape;

    internal Node? GradFn;
    bool _requiresGrad;
    internal bool RetainsGrad;
    internal List<Func<Tensor, Tensor?>>? Hooks;

    internal Tensor(float[] storage, Shape shape, int[] strides, int offset)
    {
        Storage = storage;
        _shape = shape;
        Strides = strides;
        Offset = offset;
    }

    internal Tensor(float[] storage, Shape shape) : this(storage, shape, Shape.ContiguousStrides(shape.Dims), 0) { }

    /// <summary>A new contiguous tensor of the given shape over a fresh zeroed buffer.</summary>
    internal static Tensor Empty(Shape shape) => new(ActivationSegment.AllocateZeroed(shape.Numel), shape);
    internal static Tensor Empty(params int[] dims) => Empty(new Shape(dims));
    /// <summary>A new contiguous tensor whose buffer is not cleared (a recycled activation buffer when one of that size
    /// is free, see <see cref="ActivationSegment"/>): for ops that overwrite every element.</summary>
    internal static Tensor Uninitialized(Shape shape) => new(ActivationSegment.Allocate(shape.Numel), shape);

    /// <summary>The sizes. <c>t.Shape[0]</c>, <c>t.Shape.Rank</c>; converts to <c>int[]</c>.</summary>
    public Shape Shape => _shape;
    /// <summary>Number of dimensions.</summary>
    public int Rank => _shape.Rank;
    /// <summary>Number of elements.</summary>
    public int Numel => _shape.Numel;
    /// <summary>Size of one axis (negative counts from the end).</summary>
    public int Size(int axis) => _shape[axis];

    /// <summary>True when the elements lie in row-major order with no gaps, starting at the offset.</summary>
    public bool IsContiguous
    {
        get
        {
            if (Numel == 0) return true; // nothing to lay out (Span is then empty)
            int expected = 1;
            var d = _shape.Dims;
            for (int i = d.Length - 1; i >= 0; i--)
            {
                if (d[i] != 1 && Strides[i] != expected) return false;
                expected *= d[i];
            }
            return true;
        }
    }

    /// <summary>The elements of a contiguous tensor as a span over its storage (no copy).</summary>
    internal Span<float> Span
    {
        get
        {
            if (!IsContiguous) throw new InvalidOperationException("Span needs a contiguous tensor; call Contiguous() first.");
            return Storage.AsSpan(Offset, Numel);
        }
    }

    /// <summary>True when this tensor takes part in autograd: a leaf that asked for gradients, or the result of an op on one.</summary>
    public bool RequiresGrad
    {
        get => _requiresGrad;
        set
        {
            if (!value && GradFn != null)
                throw new InvalidOperationException("RequiresGrad can only be turned off on a leaf tensor; use Detach() for a non-leaf one.");
            _requiresGrad = value;
        }
    }

    /// <summary>Fluent form of setting <see cref="RequiresGrad"/> on a leaf.</summary>
    public Tensor RequiresGrad_(bool value = true) { RequiresGrad = value; return this; }

    /// <summary>The accumulated gradient of a leaf (or of a tensor that called <see cref="RetainGrad"/>); null until a backward pass reaches it.</summary>
    public Tensor? Grad { get; set; }

    /// <summary>True when no op made this tensor (user-created, a parameter, or detached).</summary>
    public bool IsLeaf => GradFn == null;

    /// <summary>The name of the op that made this tensor, or null for a leaf.</summary>
    public string? GradFnName => GradFn?.Op;

    /// <summary>Keeps <see cref="Grad"/> for this non-leaf tensor during backward.</summary>
    public void RetainGrad() => RetainsGrad = true;

    /// <summary>
    /// Registers a hook called with this tensor's gradient when backward reaches it; it may return a replacement
    /// gradient or null to keep it. Used to capture activation gradients (Grad-CAM, LRP).
    /// </summary>
    public void RegisterHook(Func<Tensor, Tensor?> hook) => (Hooks ??= []).Add(hook);

    /// <summary>Same as <see cref="RegisterHook(Func{Tensor, Tensor?})"/> for a hook that only looks.</summary>
    public void RegisterHook(Action<Tensor> hook) => RegisterHook(g => { hook(g); return null; });

    /// <summary>Backpropagates from this scalar (or with an explicit gradient of this tensor's shape).</summary>
    public void Backward(Tensor? gradient = null, bool retainGraph = false) => Autograd.Backward(this, gradient, retainGraph);

    /// <summary>A tensor sharing this one's storage but cut from the graph.</summary>
    public Tensor Detach() => new(Storage, _shape, Strides, Offset);

    /// <summary>A contiguous copy with its own storage, cut from the graph.</summary>
    public Tensor Clone()
    {
        var t = Empty(_shape);
        CopyTo(t.Storage);
        return t;
    }

    /// <summary>The elements in row-major order (always a copy).</summary>
    public float[] ToArray()
    {
        var a = new float[Numel];
        CopyTo(a);
        return a;
    }

    /// <summary>Copies the elements in row-major order into <paramref name="dst"/>.</summary>
    internal void CopyTo(Span<float> dst)
    {
        if (IsContiguous) { Storage.AsSpan(Offset, Numel).CopyTo(dst); return; }
        StridedCopy.Gather(Storage, Offset, _shape.Dims, Strides, dst);
    }

    /// <summary>The value of a one-element tensor.</summary>
    public float Item()
    {
        if (Numel != 1) throw new ShapeMismatchException($"Item: tensor of shape {_shape} has {Numel} elements, expected 1.");
        return Storage[Offset];
    }

    /// <summary>The element at the given indices (negative count from the end). For inspection, not for loops.</summary>
    [IndexerName("At")]
    public float this[params int[] index]
    {
        get
        {
            if (index.Length != Rank) throw new ShapeMismatchException($"Indexer: {index.Length} indices for a {Rank}-D tensor {_shape}.");
            int off = Offset;
            for (int i = 0; i < index.Length; i++)
            {
                int ix = index[i] < 0 ? index[i] + _shape[i] : index[i];
                if ((uint)ix >= (uint)_shape[i]) throw new IndexOutOfRangeException($"Index {index[i]} is out of range for axis {i} of size {_shape[i]}.");
                off += ix * Strides[i];
            }
            return Storage[off];
        }
    }

    /// <summary>This tensor if contiguous, otherwise a contiguous copy (gradients flow through).</summary>
    public Tensor Contiguous() => IsContiguous ? this : Ops.Contiguous(this);

    // ---- creation ----

    /// <summary>A tensor of zeros.</summary>
    public static Tensor Zeros(params int[] shape) => Empty(new Shape(shape));
    /// <summary>A tensor of ones.</summary>
    public static Tensor Ones(params int[] shape) => Full(shape, 1f);
    /// <summary>A tensor filled with <paramref name="value"/>.</summary>
    public static Tensor Full(int[] shape, float value)
    {
        var t = Empty(new Shape(shape));
        t.Storage.AsSpan().Fill(value);
        return t;
    }
    /// <summary>A 0-D tensor holding one value.</summary>
    public static Tensor Scalar(float value) => new([value], Shape.Own([]));
    /// <summary>Zeros of another tensor's shape.</summary>
    public static Tensor ZerosLike(Tensor t) => Empty(t.Shape);
    /// <summary>Ones of another tensor's shape.</summary>
    public static Tensor OnesLike(Tensor t) => Full(t.Shape.ToArray(), 1f);

    /// <summary>0, 1, ..., end-1.</summary>
    public static Tensor Arange(float end) => Arange(0, end, 1);
    /// <summary>start, start+step, ... below end (above end for a negative step), like <c>torch.arange</c>.</summary>
    public static Tensor Arange(float start, float end, float step = 1)
    {
        if (step == 0 || float.IsNaN(step)) throw new ArgumentException("Arange: step must be non-zero.");
        int n = Math.Max(0, (int)Math.Ceiling((end - start) / (double)step));
        var data = new float[n];
        for (int i = 0; i < n; i++) data[i] = (float)(start + i * (double)step);
        return new Tensor(data, Shape.Own([n]));
    }

    /// <summary>Uniform in [0, 1).</summary>
    public static Tensor Rand(params int[] shape) => Rand(Generator.Default, shape);
    /// <summary>Uniform in [0, 1) from the given generator.</summary>
    public static Tensor Rand(Generator gen, params int[] shape)
    {
        var t = Empty(new Shape(shape));
        var s = t.Storage;
        for (int i = 0; i < s.Length; i++) s[i] = gen.NextFloat();
        return t;
    }
    /// <summary>Standard normal.</summary>
    public static Tensor Randn(params int[] shape) => Randn(Generator.Default, shape);
    /// <summary>Standard normal from the given generator.</summary>
    public static Tensor Randn(Generator gen, params int[] shape)
    {
        var t = Empty(new Shape(shape));
        var s = t.Storage;
        for (int i = 0; i < s.Length; i++) s[i] = gen.NextNormal();
        return t;
    }
    /// <summary>Uniform integers in [low, high) stored as floats (e.g. class labels).</summary>
    public static Tensor RandInt(Generator gen, int low, int high, params int[] shape)
    {
        var t = Empty(new Shape(shape));
        var s = t.Storage;
        for (int i = 0; i < s.Length; i++) s[i] = low + gen.NextInt(high - low);
        return t;
    }

    /// <summary>A tensor holding a copy of <paramref name="data"/> with the given shape (default: 1-D).</summary>
    public static Tensor FromArray(float[] data, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(data);
        var s = shape.Length == 0 ? Shape.Own([data.Length]) : new Shape(shape);
        if (s.Numel != data.Length)
            throw new ShapeMismatchException($"FromArray: {data.Length} values do not fill shape {s} ({s.Numel} elements).");
        return new Tensor((float[])data.Clone(), s);
    }

    /// <summary>Class indices (or any integers) as a float tensor, e.g. labels for a loss.</summary>
    public static Tensor FromArray(int[] data, params int[] shape)
    {
        var f = new float[data.Length];
        for (int i = 0; i < f.Length; i++) f[i] = data[i];
        return FromArray(f, shape);
    }

    /// <summary>Wraps an array without copying (the tensor owns it from now on).</summary>
    internal static Tensor Wrap(float[] data, params int[] shape) => new(data, new Shape(shape));

    // ---- printing ----

    /// <summary>Shape, gradient function and a summary of values, like PyTorch's repr.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder("tensor(");
        var v = ToArray();
        if (Rank == 0) sb.Append(Fmt(v[0]));
        else AppendNested(sb, v, 0, 0, 8);
        sb.Append(", shape=").Append(_shape);
        if (GradFn != null) sb.Append(", grad_fn=").Append(GradFn.Op);
        else if (RequiresGrad) sb.Append(", requires_grad=True");
        sb.Append(')');
        return sb.ToString();
    }

    void AppendNested(StringBuilder sb, float[] v, int axis, int start, int edge)
    {
        int n = _shape[axis];
        int inner = 1;
        for (int i = axis + 1; i < Rank; i++) inner *= _shape[i];
        bool cut = n > 2 * (axis == Rank - 1 ? edge / 2 * 2 : 3) && Numel > 64;
        int keep = axis == Rank - 1 ? 3 : 2;
        sb.Append('[');
        for (int i = 0; i < n; i++)
        {
            if (cut && i == keep) { sb.Append("..., "); i = n - keep; }
            if (axis == Rank - 1) sb.Append(Fmt(v[start + i]));
            else AppendNested(sb, v, axis + 1, start + i * inner, edge);
            if (i < n - 1) sb.Append(axis == Rank - 1 ? ", " : ",\n" + new string(' ', 8 + axis));
        }
        sb.Append(']');
    }

    static string Fmt(float x) => x.ToString("0.####", System.Globalization.CultureInfo.InvariantCulture);
}
