namespace Fovea.Onnx;

// Index-driven operators. Where the result is a gather of the input (TopK values, GatherND, Compress,
// ReverseSequence) it is computed with IndexSelect/Gather, so gradients flow; the scatter-like ones (ScatterND,
// ScatterElements, MaxUnpool) and the box selection of NonMaxSuppression are computed directly and have no gradient.
public static partial class OnnxOperators
{
    static int[] Strides(int[] dims)
    {
        var s = new int[dims.Length];
        int acc = 1;
        for (int i = dims.Length - 1; i >= 0; i--) { s[i] = acc; acc *= dims[i]; }
        return s;
    }

    static int Prod(ReadOnlySpan<int> d)
    {
        int p = 1;
        foreach (var v in d) p *= v;
        return p;
    }

    static int Wrap(OnnxNode n, int i, int dim)
    {
        int r = i < 0 ? i + dim : i;
        if (r < 0 || r >= dim) throw new ShapeMismatchException($"{n}: index {i} is out of range for a size-{dim} axis.");
        return r;
    }

    static Tensor?[] TopKImport(OnnxNode n, Tensor?[] xs, OnnxContext ctx)
    {
        var x = In(n, xs, 0);
        int k = n.Opset >= 10 ? IntValues(In(n, xs, 1))[0] : n.Int32("k", 1);
        int axis = Axis(n, n.Int("axis", -1), x.Rank);
        bool largest = n.Int("largest", 1) != 0, sorted = n.Int("sorted", 1) != 0;
        int dim = x.Shape[axis];
        if (k < 0 || k > dim) throw new ShapeMismatchException($"{n}: k = {k} is out of range for axis {axis} of {x.Shape}.");
        // Move the axis last, pick per row, move back.
        var moved = Ops.Transpose(x, axis, x.Rank - 1).Contiguous();
        var v = moved.ToArray();
        int rows = v.Length / Math.Max(dim, 1);
        var idx = new float[rows * k];
        var order = new int[dim];
        for (int r = 0; r < rows; r++)
        {
            for (int i = 0; i < dim; i++) order[i] = i;
            int off = r * dim;
            Array.Sort(order, (a, b) =>
            {
                float va = v[off + a], vb = v[off + b];
                int c = largest ? vb.CompareTo(va) : va.CompareTo(vb);
                return c != 0 ? c : a.CompareTo(b);   // ties: the lower index first
            });
            for (int j = 0; j < k; j++) idx[r * k + j] = order[j];
        }
        _ = sorted;
        var shape = Dims(moved);
        shape[^1] = k;
        var it = Tensor.FromArray(idx, shape);
        var values = Ops.Gather(moved, moved.Rank - 1, it);
        return [Ops.Transpose(values, axis, x.Rank - 1).Contiguous(), Ops.Transpose(it, axis, x.Rank - 1).Contiguous()];
    }

    static Tensor?[] GatherNDImport(OnnxNode n, Tensor?[] xs, OnnxContext ctx)
    {
        var x = In(n, xs, 0);
        var ind = In(n, xs, 1);
        int b = n.Int32("batch_dims", 0);
        var xd = Dims(x);
        var id = Dims(ind);
        int k = id[^1];
        if (k < 1 || b + k > xd.Length) throw new ShapeMismatchException($"{n}: indices {ind.Shape} do not fit data {x.Shape} with batch_dims {b}.");
        int batch = Prod(xd.AsSpan(0, b));
        int inner = Prod(xd.AsSpan(b, k));
        var rest = xd[(b + k)..];
        var iv = ind.Contiguous().ToArray();
        int perBatch = Prod(id.AsSpan(b, id.Length - 1 - b));
        var rows = new float[batch * perBatch];
        var st = Strides(xd[b..(b + k)]);
        for (int bi = 0; bi < batch; bi++)
            for (int j = 0; j < perBatch; j++)
            {
                int lin = 0;
                for (int q = 0; q < k; q++) lin += Wrap(n, (int)iv[(bi * perBatch + j) * k + q], xd[b + q]) * st[q];
                rows[bi * perBatch + j] = bi * inner + lin;
            }
        var flat = Ops.Reshape(x, [batch * inner, .. rest]);
        var picked = Ops.IndexSelect(flat, 0, Tensor.FromArray(rows, rows.Length));
        return One(Ops.Reshape(picked, [.. id[..^1], .. rest]));
    }

    static float Reduce(string reduction, float old, float u) => reduction switch
    {
        "add" => old + u,
        "mul" => old * u,
        "max" => Math.Max(old, u),
        "min" => Math.Min(old, u),
        _ => u,
    };

    static Tensor?[] ScatterElementsImport(OnnxNode n, Tensor?[] xs, OnnxContext ctx)
    {
        var x = In(n, xs, 0);
        var ind = In(n, xs, 1);
        var upd = In(n, xs, 2);
        int axis = Axis(n, n.Int("axis", 0), x.Rank);
        string reduction = n.String("reduction", "none");
        var xd = Dims(x);
        var idd = Dims(ind);
        if (ind.Shape != upd.Shape || idd.Length != xd.Length) throw new ShapeMismatchException($"{n}: indices {ind.Shape} and updates {upd.Shape} must match and have data {x.Shape}'s rank.");
        var data = x.Contiguous().ToArray();
        var iv = ind.Contiguous().ToArray();
        var uv = upd.Contiguous().ToArray();
        var xs_ = Strides(xd);
        var coord = new int[idd.Length];
        for (int e = 0; e < iv.Length; e++)
        {
            int rem = e, target = 0;
            for (int d = idd.Length - 1; d >= 0; d--) { coord[d] = rem % idd[d]; rem /= idd[d]; }
            for (int d = 0; d < idd.Length; d++) target += (d == axis ? Wrap(n, (int)iv[e], xd[d]) : coord[d]) * xs_[d];
            data[target] = Reduce(reduction, data[target], uv[e]);
        }
        return One(OnnxTensors.Make(data, xd));
    }

    static Tensor?[] ScatterNDImport(OnnxNode n, Tensor?[] xs, OnnxContext ctx)
    {
        var x = In(n, xs, 0);
        var ind = In(n, xs, 1);
        var upd = In(n, xs, 2);
        string reduction = n.String("reduction", "none");
        var xd = Dims(x);
        var id = Dims(ind);
        int k = id[^1];
        int slice = Prod(xd.AsSpan(k));
        int count = Prod(id.AsSpan(0, id.Length - 1));
        if (upd.Numel != count * slice) throw new ShapeMismatchException($"{n}: updates {upd.Shape} do not fit indices {ind.Shape} and data {x.Shape}.");
        var data = x.Contiguous().ToArray();
        var iv = ind.Contiguous().ToArray();
        var uv = upd.Contiguous().ToArray();
        var st = Strides(xd);
        for (int j = 0; j < count; j++)
        {
            int off = 0;
            for (int q = 0; q < k; q++) off += Wrap(n, (int)iv[j * k + q], xd[q]) * st[q];
            for (int s = 0; s < slice; s++) data[off + s] = Reduce(reduction, data[off + s], uv[j * slice + s]);
        }
        return One(OnnxTensors.Make(data, xd));
    }

    static Tensor?[] CompressImport(OnnxNode n, Tensor?[] xs, OnnxContext ctx)
    {
        var x = In(n, xs, 0);
        var cond = In(n, xs, 1).Contiguous().ToArray();
        int axis;
        if (n.Has("axis")) axis = Axis(n, n.Int("axis"), x.Rank);
        else { x = Ops.Reshape(x, x.Numel); axis = 0; }
        var keep = new List<float>();
        for (int i = 0; i < Math.Min(cond.Length, x.Shape[axis]); i++) if (cond[i] != 0) keep.Add(i);
        return One(Ops.IndexSelect(x, axis, Tensor.FromArray([.. keep], keep.Count)));
    }

    static Tensor?[] ReverseSequenceImport(OnnxNode n, Tensor?[] xs, OnnxContext ctx)
    {
        var x = In(n, xs, 0);
        var lens = IntValues(In(n, xs, 1));
        int bAxis = n.Int32("batch_axis", 1), tAxis = n.Int32("time_axis", 0);
        var xd = Dims(x);
        var idx = new float[x.Numel];
        var coord = new int[xd.Length];
        for (int e = 0; e < idx.Length; e++)
        {
            int rem = e;
            for (int d = xd.Length - 1; d >= 0; d--) { coord[d] = rem % xd[d]; rem /= xd[d]; }
            int t = coord[tAxis], len = lens[coord[bAxis]];
            idx[e] = t < len ? len - 1 - t : t;
        }
        return One(Ops.Gather(x, tAxis, Tensor.FromArray(idx, xd)));
    }

    static Tensor?[] MaxUnpoolImport(OnnxNode n, Tensor?[] xs, OnnxContext ctx)
    {
        var x = In(n, xs, 0);
        var ind = In(n, xs, 1).Contiguous().ToArray();
        var kernel = n.Ints("kernel_shape") ?? throw n.Error("required attribute 'kernel_shape' is missing");
        int k = kernel.Length;
        var stride = IntsOr(n, "strides", k, 1);
        var pads = n.Ints("pads") ?? new int[2 * k];
        var outShape = Dims(x);
        for (int i = 0; i < k; i++) outShape[2 + i] = (outShape[2 + i] - 1) * stride[i] - pads[i] - pads[i + k] + kernel[i];
        var y = new float[Prod(outShape)];
        var v = x.Contiguous().ToArray();
        for (int i = 0; i < v.Length; i++)
        {
            int j = (int)ind[i];
            if (j < 0 || j >= y.Length) throw new ShapeMismatchException($"{n}: index {j} is outside the output {string.Join("x", outShape)}.");
            y[j] = v[i];
        }
        var r = Tensor.FromArray(y, outShape);
        // A requested output_shape larger than the inferred one is padded with zeros at the end of each axis
        // (the indices address the inferred shape), as the ONNX reference implementation does.
        if (Opt(xs, 2) is { } os)
        {
            var want = IntValues(os);
            for (int i = 2; i < want.Length && i < r.Rank; i++) r = CropOrPad(r, i, 0, want[i]);
        }
        return One(r);
    }

    static OnnxImporter Window(string kind) => (n, xs, _) =>
    {
        int size = IntValues(In(n, xs, 0))[0];
        bool periodic = n.Int("periodic", 1) != 0;
        double denom = periodic ? size : size - 1;
        var w = new float[Math.Max(size, 0)];
        for (int i = 0; i < w.Length; i++)
        {
            double a = 2 * Math.PI * i / denom;
            w[i] = (float)(kind switch
            {
                "Hann" => 0.5 - 0.5 * Math.Cos(a),
                "Hamming" => 25.0 / 46 - (1 - 25.0 / 46) * Math.Cos(a),
                _ => 0.42 - 0.5 * Math.Cos(a) + 0.08 * Math.Cos(2 * a),
            });
        }
        return One(Tensor.FromArray(w, w.Length));
    };

    // NonMaxSuppression: per batch and class, boxes by descending score above score_threshold, each kept unless its
    // IoU with an already kept box exceeds iou_threshold; at most max_output_boxes_per_class each. Output
    // [selected, 3] rows of (batch, class, box).
    static Tensor?[] NonMaxSuppressionImport(OnnxNode n, Tensor?[] xs, OnnxContext ctx)
    {
        var boxes = In(n, xs, 0);
        var scores = In(n, xs, 1);
        int maxOut = Opt(xs, 2) is { Numel: > 0 } m ? IntValues(m)[0] : 0;
        float iouT = Opt(xs, 3) is { Numel: > 0 } it ? it.Contiguous().ToArray()[0] : 0f;
        float? scoreT = Opt(xs, 4) is { Numel: > 0 } sc ? sc.Contiguous().ToArray()[0] : null;
        bool center = n.Int("center_point_box", 0) != 0;
        var (nb, nbox, four) = boxes.Shape.Dims3(n.ToString());
        var (sb, nc, sn) = scores.Shape.Dims3(n.ToString());
        if (four != 4 || sb != nb || sn != nbox) throw new ShapeMismatchException($"{n}: boxes {boxes.Shape} and scores {scores.Shape} do not fit [B,N,4] and [B,C,N].");
        var bv = boxes.Contiguous().ToArray();
        var sv = scores.Contiguous().ToArray();
        var rows = new List<float>();
        for (int b = 0; b < nb; b++)
        {
            var rect = new (float y1, float x1, float y2, float x2)[nbox];
            for (int i = 0; i < nbox; i++)
            {
                int o = (b * nbox + i) * 4;
                if (center)
                {
                    float xc = bv[o], yc = bv[o + 1], w = bv[o + 2], h = bv[o + 3];
                    rect[i] = (yc - h / 2, xc - w / 2, yc + h / 2, xc + w / 2);
                }
                else rect[i] = (Math.Min(bv[o], bv[o + 2]), Math.Min(bv[o + 1], bv[o + 3]), Math.Max(bv[o], bv[o + 2]), Math.Max(bv[o + 1], bv[o + 3]));
            }
            for (int c = 0; c < nc; c++)
            {
                int so = (b * nc + c) * nbox;
                var cand = Enumerable.Range(0, nbox).Where(i => scoreT is null || sv[so + i] > scoreT).OrderByDescending(i => sv[so + i]).ThenBy(i => i).ToList();
                var kept = new List<int>();
                foreach (var i in cand)
                {
                    if (kept.Count >= maxOut) break;
                    bool ok = true;
                    foreach (var j in kept)
                    {
                        var (a, q) = (rect[i], rect[j]);
                        float ih = Math.Max(0, Math.Min(a.y2, q.y2) - Math.Max(a.y1, q.y1)), iw = Math.Max(0, Math.Min(a.x2, q.x2) - Math.Max(a.x1, q.x1));
                        float inter = ih * iw;
                        float uni = (a.y2 - a.y1) * (a.x2 - a.x1) + (q.y2 - q.y1) * (q.x2 - q.x1) - inter;
                        if (uni > 0 && inter / uni > iouT) { ok = false; break; }
                    }
                    if (!ok) continue;
                    kept.Add(i);
                    rows.AddRange([b, c, i]);
                }
            }
        }
        return One(Tensor.FromArray([.. rows], rows.Count / 3, 3));
    }
}
