namespace Fovea.Onnx;

public static partial class OnnxOperators
{
    static (int[] kernel, int[] stride, int[] dil, int[] pb, int[] pe, bool ceil) PoolArgs(OnnxNode n, Tensor x)
    {
        var kernel = n.Ints("kernel_shape") ?? throw n.Error("required attribute 'kernel_shape' is missing");
        int k = kernel.Length;
        if (x.Rank != k + 2) throw new ShapeMismatchException($"{n}: input {x.Shape} does not fit a {k}-D kernel.");
        var stride = IntsOr(n, "strides", k, 1);
        var dil = IntsOr(n, "dilations", k, 1);
        var (pb, pe) = SpatialPads(n, Dims(x)[2..], kernel, stride, dil);
        return (kernel, stride, dil, pb, pe, n.Int("ceil_mode", 0) != 0);
    }

    static Tensor?[] MaxPoolImport(OnnxNode n, Tensor?[] xs, OnnxContext ctx)
    {
        var x = In(n, xs, 0);
        var (kernel, stride, dil, pb, pe, ceil) = PoolArgs(n, x);
        int k = kernel.Length;
        bool simple = Symmetric(pb, pe);
        for (int i = 0; i < k && simple; i++) simple = pb[i] * 2 <= kernel[i];
        var pads = pb;
        if (!simple) { x = PadSpatial(x, pb, pe, float.NegativeInfinity); pads = new int[k]; }
        bool wantIndices = n.Outputs.Length > 1 && n.Outputs[1].Length > 0;
        if (!wantIndices) return One(Ops.MaxPool(x, kernel, stride, pads, dil, ceil));
        if (!simple) throw new OnnxUnsupportedException($"{n}: the Indices output with asymmetric or large padding is not supported.");
        var (y, idx) = Ops.MaxPoolWithIndices(x, kernel, stride, pads, dil, ceil);
        // Fovea's indices count within each (n, c) plane; ONNX's count over the whole tensor (row-major).
        var ys = Dims(y);
        int plane = 1;
        for (int i = 2; i < x.Rank; i++) plane *= x.Shape[i];
        var bs = new int[ys.Length];
        Array.Fill(bs, 1);
        bs[0] = ys[0]; bs[1] = ys[1];
        var baseIdx = Ops.Mul(Ops.Reshape(Tensor.Arange(ys[0] * ys[1]), bs), (float)plane);
        if (n.Int("storage_order", 0) != 0)
        {
            // column-major within the plane: h*W + w becomes w*H + h
            if (x.Rank != 4) throw new OnnxUnsupportedException($"{n}: storage_order 1 is supported for 2-D pooling only.");
            int h = x.Shape[2], w = x.Shape[3];
            var row = Ops.Floor(Ops.Mul(idx, 1f / w));
            row = Ops.Floor(Ops.Add(Ops.Div(Ops.Sub(idx, Ops.Mul(row, (float)w)), (float)w), row));   // guard float rounding
            var col = Ops.Sub(idx, Ops.Mul(row, (float)w));
            idx = Ops.Add(Ops.Mul(col, (float)h), row);
        }
        return [y, Ops.Add(idx, baseIdx)];
    }

    static Tensor?[] AveragePoolImport(OnnxNode n, Tensor?[] xs, OnnxContext ctx)
    {
        var x = In(n, xs, 0);
        var (kernel, stride, dil, pb, pe, ceil) = PoolArgs(n, x);
        foreach (var d in dil) if (d != 1) throw new OnnxUnsupportedException($"{n}: dilated average pooling is not supported.");
        bool include = n.Int("count_include_pad", 0) != 0;
        int k = kernel.Length;
        bool simple = Symmetric(pb, pe);
        for (int i = 0; i < k && simple; i++) simple = pb[i] * 2 <= kernel[i];
        if (simple) return One(Ops.AvgPool(x, kernel, stride, pb, ceil, include));
        var zero = new int[k];
        var padded = PadSpatial(x, pb, pe, 0f);
        var sum = Ops.AvgPool(padded, kernel, stride, zero, ceil, true);
        if (include) return One(sum);
        // Exclude padding: divide by the share of each window that lies on the input.
        var ones = Tensor.Ones([1, 1, .. Dims(x)[2..]]);
        var share = Ops.AvgPool(PadSpatial(ones, pb, pe, 0f), kernel, stride, zero, ceil, true);
        return One(Ops.Div(sum, share));
    }

    static Tensor?[] LpPoolImport(OnnxNode n, Tensor?[] xs, OnnxContext ctx)
    {
        var x = In(n, xs, 0);
        var (kernel, stride, dil, pb, pe, ceil) = PoolArgs(n, x);
        float p = n.Int("p", 2);
        int area = 1;
        foreach (var v in kernel) area *= v;
        var padded = PadSpatial(Ops.Pow(Ops.Abs(x), p), pb, pe, 0f);
        var mean = Ops.AvgPool(padded, kernel, stride, new int[kernel.Length], ceil, true);
        return One(Ops.Pow(Ops.Mul(mean, (float)area), 1f / p));
    }

    static int[] SpatialAxes(Tensor x)
    {
        var r = new int[x.Rank - 2];
        for (int i = 0; i < r.Length; i++) r[i] = i + 2;
        return r;
    }

    static Tensor?[] GlobalAveragePoolImport(OnnxNode n, Tensor?[] xs, OnnxContext ctx) =>
        One(Ops.Mean(In(n, xs, 0), SpatialAxes(In(n, xs, 0)), keepDim: true));

    static Tensor?[] GlobalMaxPoolImport(OnnxNode n, Tensor?[] xs, OnnxContext ctx)
    {
        var x = In(n, xs, 0);
        for (int a = x.Rank - 1; a >= 2; a--) x = Ops.Max(x, a, keepDim: true);
        return One(x);
    }

    static Tensor?[] GlobalLpPoolImport(OnnxNode n, Tensor?[] xs, OnnxContext ctx)
    {
        var x = In(n, xs, 0);
        float p = n.Int("p", 2);
        return One(Ops.Pow(Ops.Sum(Ops.Pow(Ops.Abs(x), p), SpatialAxes(x), keepDim: true), 1f / p));
    }
}
