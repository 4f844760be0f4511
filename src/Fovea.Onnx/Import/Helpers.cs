namespace Fovea.Onnx;

public static partial class OnnxOperators
{
    static Tensor In(OnnxNode n, Tensor?[] xs, int i) =>
        i < xs.Length && xs[i] is { } t ? t : throw n.Error($"input {i} is required");

    static Tensor? Opt(Tensor?[] xs, int i) => i < xs.Length ? xs[i] : null;

    static Tensor?[] One(Tensor t) => [t];

    /// <summary>The values of a small integer tensor (shape, axes, pads), clamped to the int range.</summary>
    internal static int[] IntValues(Tensor t)
    {
        var a = t.Contiguous().ToArray();
        var r = new int[a.Length];
        for (int i = 0; i < a.Length; i++)
        {
            double v = a[i];
            r[i] = double.IsNaN(v) ? 0 : v >= int.MaxValue ? int.MaxValue : v <= int.MinValue ? int.MinValue : (int)v;
        }
        return r;
    }

    static int Axis(OnnxNode n, long axis, int rank)
    {
        long a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= Math.Max(rank, 1)) throw new ShapeMismatchException($"{n}: axis {axis} is out of range for rank {rank}.");
        return (int)a;
    }

    static int[] Axes(OnnxNode n, int[] axes, int rank)
    {
        var r = new int[axes.Length];
        for (int i = 0; i < axes.Length; i++) r[i] = Axis(n, axes[i], rank);
        return r;
    }

    static int[] Dims(Tensor x) => x.Shape.ToArray();

    /// <summary>Pads the spatial axes (from axis 2) with begin/end amounts (ONNX order) by a constant.</summary>
    static Tensor PadSpatial(Tensor x, int[] begin, int[] end, float value)
    {
        bool any = false;
        for (int i = 0; i < begin.Length; i++) any |= begin[i] != 0 || end[i] != 0;
        if (!any) return x;
        int k = begin.Length;
        var pads = new int[2 * k];
        for (int i = 0; i < k; i++)
        {
            int ax = k - 1 - i;   // last spatial axis first
            pads[2 * i] = begin[ax];
            pads[2 * i + 1] = end[ax];
        }
        return Ops.Pad(x, pads, "constant", value);
    }

    /// <summary>Keeps elements [start, start+length) of an axis, padding with zeros where the range leaves it.</summary>
    static Tensor CropOrPad(Tensor x, int axis, int start, int length)
    {
        int dim = x.Shape[axis];
        if (start == 0 && length == dim) return x;
        int rank = x.Rank;
        var pads = new int[2 * (rank - axis)];
        int j = 2 * (rank - 1 - axis);
        pads[j] = -start;
        pads[j + 1] = start + length - dim;
        return Ops.Pad(x, pads, "constant", 0f);
    }

    /// <summary>Resolves auto_pad and pads for a convolution or pooling node: begin and end padding per spatial axis.</summary>
    static (int[] begin, int[] end) SpatialPads(OnnxNode n, int[] inSizes, int[] kernel, int[] stride, int[] dilation)
    {
        int k = kernel.Length;
        var begin = new int[k];
        var end = new int[k];
        string auto = n.String("auto_pad", "NOTSET");
        switch (auto)
        {
            case "NOTSET":
                var pads = n.Ints("pads");
                if (pads is not null)
                {
                    if (pads.Length != 2 * k) throw n.Error($"attribute 'pads' has {pads.Length} values, expected {2 * k}");
                    for (int i = 0; i < k; i++) { begin[i] = pads[i]; end[i] = pads[i + k]; }
                }
                break;
            case "VALID": break;
            case "SAME_UPPER":
            case "SAME_LOWER":
                for (int i = 0; i < k; i++)
                {
                    int outSize = (inSizes[i] + stride[i] - 1) / stride[i];
                    int total = Math.Max((outSize - 1) * stride[i] + (kernel[i] - 1) * dilation[i] + 1 - inSizes[i], 0);
                    int small = total / 2, big = total - small;
                    (begin[i], end[i]) = auto == "SAME_UPPER" ? (small, big) : (big, small);
                }
                break;
            default: throw n.Error($"attribute 'auto_pad' = '{auto}' is not one of NOTSET, SAME_UPPER, SAME_LOWER, VALID");
        }
        return (begin, end);
    }

    static int[] IntsOr(OnnxNode n, string name, int count, int dflt)
    {
        var v = n.Ints(name);
        if (v is null) return Ops1(count, dflt);
        if (v.Length != count) throw n.Error($"attribute '{name}' has {v.Length} values, expected {count}");
        return v;
    }

    static int[] Ops1(int count, int v)
    {
        var r = new int[count];
        Array.Fill(r, v);
        return r;
    }

    /// <summary>Refuses a result shape with negative sizes or more than <see cref="OnnxTensors.MaxElements"/> elements before allocating it.</summary>
    static void CheckSize(OnnxNode n, int[] dims)
    {
        long numel = 1;
        foreach (var d in dims)
        {
            if (d < 0) throw new ShapeMismatchException($"{n}: result shape [{string.Join(",", dims)}] has a negative size.");
            numel *= d;
            if (numel > OnnxTensors.MaxElements) throw new ShapeMismatchException($"{n}: result shape [{string.Join(",", dims)}] has more than {OnnxTensors.MaxElements} elements.");
        }
    }

    static bool Symmetric(int[] begin, int[] end) => begin.AsSpan().SequenceEqual(end);

    static Tensor FloatTensor(float[] data, params int[] shape) => Tensor.FromArray(data, shape);
}
