namespace Fovea.Onnx;

public static partial class OnnxOperators
{
    static Tensor?[] FlattenImport(OnnxNode n, Tensor?[] xs, OnnxContext ctx)
    {
        var x = In(n, xs, 0);
        long a = n.Int("axis", 1);
        int axis = (int)(a < 0 ? a + x.Rank : a);
        if (axis < 0 || axis > x.Rank) throw new ShapeMismatchException($"{n}: axis {a} is out of range for {x.Shape}.");
        int outer = 1, inner = 1;
        for (int i = 0; i < x.Rank; i++) if (i < axis) outer *= x.Shape[i]; else inner *= x.Shape[i];
        return One(Ops.Reshape(x, outer, inner));
    }

    // Reshape: 0 copies the input's size on that axis (unless allowzero), -1 is inferred.
    static Tensor?[] ReshapeImport(OnnxNode n, Tensor?[] xs, OnnxContext ctx)
    {
        var x = In(n, xs, 0);
        var shape = n.Opset < 5 ? n.Ints("shape") ?? throw n.Error("attribute 'shape' is missing") : IntValues(In(n, xs, 1));
        bool allowZero = n.Int("allowzero", 0) != 0;
        var s = (int[])shape.Clone();
        for (int i = 0; i < s.Length; i++)
            if (s[i] == 0 && !allowZero)
            {
                if (i >= x.Rank) throw new ShapeMismatchException($"{n}: shape [{string.Join(",", shape)}] copies axis {i} of {x.Shape}, which has no such axis.");
                s[i] = x.Shape[i];
            }
        return One(Ops.Reshape(x, s));
    }

    static Tensor?[] TransposeImport(OnnxNode n, Tensor?[] xs, OnnxContext ctx)
    {
        var x = In(n, xs, 0);
        var perm = n.Ints("perm");
        if (perm is null)
        {
            perm = new int[x.Rank];
            for (int i = 0; i < perm.Length; i++) perm[i] = x.Rank - 1 - i;
        }
        return One(Ops.Permute(x, Axes(n, perm, x.Rank)));
    }

    static int[]? AxesInputOrAttr(OnnxNode n, Tensor?[] xs, int inputIndex, int sinceInput)
    {
        if (n.Opset >= sinceInput) return Opt(xs, inputIndex) is { } t ? IntValues(t) : null;
        return n.Ints("axes");
    }

    static Tensor?[] SqueezeImport(OnnxNode n, Tensor?[] xs, OnnxContext ctx)
    {
        var x = In(n, xs, 0);
        var axes = AxesInputOrAttr(n, xs, 1, 13);
        if (axes is null)
        {
            var keep = Dims(x).Where(d => d != 1).ToArray();
            return One(Ops.Reshape(x, keep));
        }
        var set = Axes(n, axes, x.Rank).ToHashSet();
        var dims = new List<int>();
        for (int i = 0; i < x.Rank; i++)
        {
            if (!set.Contains(i)) { dims.Add(x.Shape[i]); continue; }
            if (x.Shape[i] != 1) throw new ShapeMismatchException($"{n}: axis {i} of {x.Shape} is not 1.");
        }
        return One(Ops.Reshape(x, [.. dims]));
    }

    static Tensor?[] UnsqueezeImport(OnnxNode n, Tensor?[] xs, OnnxContext ctx)
    {
        var x = In(n, xs, 0);
        var axes = AxesInputOrAttr(n, xs, 1, 13) ?? throw n.Error("axes are required");
        int rank = x.Rank + axes.Length;
        var set = Axes(n, axes, rank).ToHashSet();
        if (set.Count != axes.Length) throw n.Error("axes repeat");
        var dims = new int[rank];
        int j = 0;
        for (int i = 0; i < rank; i++) dims[i] = set.Contains(i) ? 1 : x.Shape[j++];
        return One(Ops.Reshape(x, dims));
    }

    static Tensor?[] ConcatImport(OnnxNode n, Tensor?[] xs, OnnxContext ctx)
    {
        var parts = xs.Where(t => t is not null).Select(t => t!).ToArray();
        if (parts.Length == 0) throw n.Error("needs at least one input");
        int axis = Axis(n, n.Int("axis", n.Opset < 4 ? 1 : 0), parts[0].Rank);
        parts = parts.Where(t => t.Rank != parts[0].Rank || t.Shape[axis] != 0 || parts.Length == 1).ToArray();
        return One(parts.Length == 1 ? parts[0].Clone() : Ops.Cat(parts, axis));
    }

    static Tensor?[] SplitImport(OnnxNode n, Tensor?[] xs, OnnxContext ctx)
    {
        var x = In(n, xs, 0);
        int axis = Axis(n, n.Int("axis", 0), x.Rank);
        int outs = n.Outputs.Length;
        int[]? sizes = n.Opset >= 13 ? (Opt(xs, 1) is { } s ? IntValues(s) : null) : n.Ints("split");
        int dim = x.Shape[axis];
        if (sizes is null)
        {
            int parts = n.Opset >= 18 && n.Has("num_outputs") ? n.Int32("num_outputs", outs) : outs;
            int each = n.Opset >= 18 ? (dim + parts - 1) / parts : dim / parts;
            if (n.Opset < 18 && dim % parts != 0) throw new ShapeMismatchException($"{n}: axis {axis} of {x.Shape} does not split into {parts} equal parts.");
            sizes = new int[parts];
            for (int i = 0; i < parts; i++) sizes[i] = Math.Min(each, dim - each * i);
        }
        var r = Ops.Split(x, sizes, axis);
        return r.Select(t => (Tensor?)t).ToArray();
    }

    // Slice: starts/ends/axes/steps (attributes before opset 10, inputs after). Out-of-range bounds are clamped as
    // ONNX says; a negative step walks backwards (a flip, then a forward slice).
    static Tensor?[] SliceImport(OnnxNode n, Tensor?[] xs, OnnxContext ctx)
    {
        var x = In(n, xs, 0);
        long[] starts, ends;
        long[]? axes, steps = null;
        if (n.Opset < 10)
        {
            starts = n.Longs("starts") ?? throw n.Error("attribute 'starts' is missing");
            ends = n.Longs("ends") ?? throw n.Error("attribute 'ends' is missing");
            axes = n.Longs("axes");
        }
        else
        {
            starts = LongValues(In(n, xs, 1));
            ends = LongValues(In(n, xs, 2));
            axes = Opt(xs, 3) is { } a ? LongValues(a) : null;
            steps = Opt(xs, 4) is { } st ? LongValues(st) : null;
        }
        if (ends.Length != starts.Length || (axes is not null && axes.Length != starts.Length) || (steps is not null && steps.Length != starts.Length))
            throw n.Error("starts, ends, axes and steps must have the same length");
        var y = x;
        for (int i = 0; i < starts.Length; i++)
        {
            int axis = Axis(n, axes is null ? i : axes[i], x.Rank);
            long dim = x.Shape[axis];
            long step = steps is null ? 1 : steps[i];
            if (step == 0) throw n.Error("a step is 0");
            long s = starts[i], e = ends[i];
            if (s < 0) s += dim;
            if (e < 0) e += dim;
            if (step > 0)
            {
                s = Math.Clamp(s, 0, dim);
                e = Math.Clamp(e, 0, dim);
                y = Ops.Slice(y, axis, (int)s, (int)Math.Max(e, s), (int)Math.Min(step, int.MaxValue));
            }
            else
            {
                s = Math.Clamp(s, 0, dim - 1);
                e = Math.Clamp(e, -1, dim - 1);
                long fs = dim - 1 - s, fe = dim - 1 - e;
                y = Ops.Slice(Ops.Flip(y, axis), axis, (int)fs, (int)Math.Max(fe, fs), (int)Math.Min(-step, int.MaxValue));
            }
        }
        return One(y);
    }

    internal static long[] LongValues(Tensor t)
    {
        var a = t.Contiguous().ToArray();
        var r = new long[a.Length];
        for (int i = 0; i < a.Length; i++)
        {
            double v = a[i];
            r[i] = v >= long.MaxValue ? long.MaxValue : v <= long.MinValue ? long.MinValue : (long)v;
        }
        return r;
    }

    // Gather: out = x indexed along axis by indices of any shape (negative counts from the end).
    static Tensor?[] GatherImport(OnnxNode n, Tensor?[] xs, OnnxContext ctx)
    {
        var x = In(n, xs, 0);
        var idx = In(n, xs, 1);
        int axis = Axis(n, n.Int("axis", 0), x.Rank);
        int dim = x.Shape[axis];
        var iv = idx.Contiguous().ToArray();
        for (int i = 0; i < iv.Length; i++)
        {
            if (iv[i] < 0) iv[i] += dim;
            if (iv[i] < 0 || iv[i] >= dim) throw new ShapeMismatchException($"{n}: index {iv[i]} is out of range for axis {axis} of {x.Shape}.");
        }
        var picked = Ops.IndexSelect(x, axis, Tensor.FromArray(iv, iv.Length));
        var dims = new List<int>(Dims(x)[..axis]);
        dims.AddRange(Dims(idx));
        dims.AddRange(Dims(x)[(axis + 1)..]);
        return One(Ops.Reshape(picked, [.. dims]));
    }

    // Pad: pads [x1_begin, x2_begin, ..., x1_end, ...] over all axes (or the listed axes from opset 18);
    // modes constant, reflect, edge.
    static Tensor?[] PadImport(OnnxNode n, Tensor?[] xs, OnnxContext ctx)
    {
        var x = In(n, xs, 0);
        int[] pads;
        float value;
        int[]? axes = null;
        if (n.Opset < 11)
        {
            pads = n.Ints(n.Opset < 2 ? "paddings" : "pads") ?? throw n.Error("attribute 'pads' is missing");
            value = n.Float("value", 0f);
        }
        else
        {
            pads = IntValues(In(n, xs, 1));
            value = Opt(xs, 2) is { Numel: > 0 } v ? v.Contiguous().ToArray()[0] : 0f;
            if (Opt(xs, 3) is { } ax) axes = Axes(n, IntValues(ax), x.Rank);
        }
        axes ??= Enumerable.Range(0, x.Rank).ToArray();
        if (pads.Length != 2 * axes.Length) throw n.Error($"pads has {pads.Length} values, expected {2 * axes.Length}");
        string mode = n.String("mode", "constant");
        string foveaMode = mode switch { "constant" => "constant", "reflect" => "reflect", "edge" => "replicate", _ => throw new OnnxUnsupportedException($"{n}: mode '{mode}' is not supported.") };
        CheckSize(n, Enumerable.Range(0, x.Rank).Select(a =>
        {
            int i = Array.IndexOf(axes, a);
            return i < 0 ? x.Shape[a] : (int)Math.Clamp((long)x.Shape[a] + pads[i] + pads[i + axes.Length], 0, int.MaxValue);
        }).ToArray());
        var full = new int[2 * x.Rank];
        for (int i = 0; i < axes.Length; i++)
        {
            int a = axes[i];
            int j = 2 * (x.Rank - 1 - a);
            full[j] = pads[i];
            full[j + 1] = pads[i + axes.Length];
        }
        return One(Ops.Pad(x, full, foveaMode, value));
    }

    static Tensor?[] ShapeImport(OnnxNode n, Tensor?[] xs, OnnxContext ctx)
    {
        var x = In(n, xs, 0);
        int r = x.Rank;
        long s = n.Int("start", 0), e = n.Int("end", r);
        if (s < 0) s += r;
        if (e < 0) e += r;
        s = Math.Clamp(s, 0, r);
        e = Math.Clamp(e, s, r);
        var d = new float[e - s];
        for (int i = 0; i < d.Length; i++) d[i] = x.Shape[(int)s + i];
        return One(Tensor.FromArray(d, d.Length));
    }

    static Tensor?[] SizeImport(OnnxNode n, Tensor?[] xs, OnnxContext ctx) => One(Tensor.Scalar(In(n, xs, 0).Numel));

    static Tensor?[] ConstantOfShapeImport(OnnxNode n, Tensor?[] xs, OnnxContext ctx)
    {
        var shape = IntValues(In(n, xs, 0));
        long numel = 1;
        foreach (var d in shape)
        {
            if (d < 0) throw new ShapeMismatchException($"{n}: shape [{string.Join(",", shape)}] has a negative size.");
            numel *= d;
            if (numel > OnnxTensors.MaxElements) throw new ShapeMismatchException($"{n}: shape [{string.Join(",", shape)}] is too large.");
        }
        float v = n.TensorAttr("value") is { } t ? t.Contiguous().ToArray()[0] : 0f;
        return One(Tensor.Full(shape, v));
    }

    static Tensor?[] IdentityImport(OnnxNode n, Tensor?[] xs, OnnxContext ctx) => One(In(n, xs, 0));

    static Tensor?[] DropoutImport(OnnxNode n, Tensor?[] xs, OnnxContext ctx)
    {
        var x = In(n, xs, 0);
        return n.Outputs.Length > 1 ? [x, Tensor.OnesLike(x)] : One(x);
    }

    // Expand: numpy-style two-way broadcast of x with the given shape.
    static Tensor?[] ExpandImport(OnnxNode n, Tensor?[] xs, OnnxContext ctx)
    {
        var x = In(n, xs, 0);
        var shape = IntValues(In(n, xs, 1));
        CheckSize(n, shape.Select(d => Math.Max(d, 0)).ToArray());
        var target = Shape.Broadcast(n.ToString(), x.Shape, new Shape(shape)).ToArray();
        CheckSize(n, target);
        return One(Ops.Expand(x, target).Contiguous());
    }

    static Tensor?[] TileImport(OnnxNode n, Tensor?[] xs, OnnxContext ctx)
    {
        var x = In(n, xs, 0);
        var reps = IntValues(In(n, xs, 1));
        if (reps.Length == x.Rank) CheckSize(n, reps.Select((r, i) => (int)Math.Min((long)r * x.Shape[i], int.MaxValue)).ToArray());
        return One(Ops.Tile(x, reps));
    }

    static Tensor?[] WhereImport(OnnxNode n, Tensor?[] xs, OnnxContext ctx) => One(Ops.Where(In(n, xs, 0), In(n, xs, 1), In(n, xs, 2)));

    static Tensor?[] ArgMaxLikeImport(OnnxNode n, Tensor?[] xs, bool min)
    {
        var x = In(n, xs, 0);
        int axis = Axis(n, n.Int("axis", 0), x.Rank);
        bool keep = n.Int("keepdims", 1) != 0;
        if (n.Int("select_last_index", 0) != 0)
        {
            int d = x.Shape[axis];
            var r = min ? Ops.ArgMin(Ops.Flip(x, axis), axis, keep) : Ops.ArgMax(Ops.Flip(x, axis), axis, keep);
            return One(Ops.Sub((float)(d - 1), r));
        }
        return One(min ? Ops.ArgMin(x, axis, keep) : Ops.ArgMax(x, axis, keep));
    }

    // DepthToSpace (DCR or CRD) and SpaceToDepth as reshape-transpose-reshape.
    static Tensor?[] DepthToSpaceImport(OnnxNode n, Tensor?[] xs, OnnxContext ctx)
    {
        var x = In(n, xs, 0);
        var (b0, c, h, w) = x.Shape.Dims4(n.ToString());
        int bs = n.Int32("blocksize", 0);
        if (bs <= 0 || c % (bs * bs) != 0) throw new ShapeMismatchException($"{n}: blocksize {bs} does not divide the {c} channels of {x.Shape} into squares.");
        bool crd = n.String("mode", "DCR") == "CRD";
        var t = crd
            ? Ops.Permute(Ops.Reshape(x, b0, c / (bs * bs), bs, bs, h, w), 0, 1, 4, 2, 5, 3)
            : Ops.Permute(Ops.Reshape(x, b0, bs, bs, c / (bs * bs), h, w), 0, 3, 4, 1, 5, 2);
        return One(Ops.Reshape(t, b0, c / (bs * bs), h * bs, w * bs));
    }

    static Tensor?[] SpaceToDepthImport(OnnxNode n, Tensor?[] xs, OnnxContext ctx)
    {
        var x = In(n, xs, 0);
        var (b0, c, h, w) = x.Shape.Dims4(n.ToString());
        int bs = n.Int32("blocksize", 0);
        if (bs <= 0 || h % bs != 0 || w % bs != 0) throw new ShapeMismatchException($"{n}: blocksize {bs} does not divide the spatial size of {x.Shape}.");
        var t = Ops.Permute(Ops.Reshape(x, b0, c, h / bs, bs, w / bs, bs), 0, 3, 5, 1, 2, 4);
        return One(Ops.Reshape(t, b0, c * bs * bs, h / bs, w / bs));
    }

    static Tensor?[] ConstantImport(OnnxNode n, Tensor?[] xs, OnnxContext ctx) => One(ConstantValue(n));

    internal static Tensor ConstantValue(OnnxNode n)
    {
        if (n.TensorAttr("value") is { } t) return t;
        if (n.Has("value_float")) return Tensor.Scalar(n.Float("value_float", 0));
        if (n.Has("value_int")) return Tensor.Scalar(n.Int("value_int", 0));
        if (n.Floats("value_floats") is { } fs) return Tensor.FromArray(fs, fs.Length);
        if (n.Longs("value_ints") is { } ls) return Tensor.FromArray(ls.Select(v => (float)v).ToArray(), ls.Length);
        throw new OnnxUnsupportedException($"{n}: only tensor, float and int values are supported.");
    }
}
