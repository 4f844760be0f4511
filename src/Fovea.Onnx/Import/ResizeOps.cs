namespace Fovea.Onnx;

public static partial class OnnxOperators
{
    // Resize and Upsample, nearest and (multi)linear, over any axes. Each axis is resampled on its own (the modes
    // are separable): nearest gathers one source index per output position; linear blends two gathered slices
    // with per-position weights. Built from IndexSelect, Mul and Add, so gradients flow to the input.
    static void ResizeCheck(OnnxNode n)
    {
        string mode = n.String("mode", "nearest");
        if (mode is not ("nearest" or "linear" or "bilinear" or "trilinear" or "cubic" or "bicubic"))
            throw new OnnxUnsupportedException($"{n}: mode '{mode}' is not supported (nearest, linear, cubic).");
        string ct = n.String("coordinate_transformation_mode", "half_pixel");
        if (ct is not ("half_pixel" or "pytorch_half_pixel" or "align_corners" or "asymmetric" or "tf_half_pixel_for_nn" or "half_pixel_symmetric"))
            throw new OnnxUnsupportedException($"{n}: coordinate_transformation_mode '{ct}' is not supported.");
        if (n.Int("antialias", 0) != 0) throw new OnnxUnsupportedException($"{n}: antialias is not supported.");
        if (n.Has("keep_aspect_ratio_policy") && n.String("keep_aspect_ratio_policy", "stretch") != "stretch")
            throw new OnnxUnsupportedException($"{n}: keep_aspect_ratio_policy other than 'stretch' is not supported.");
    }

    static Tensor?[] ResizeImport(OnnxNode n, Tensor?[] xs, OnnxContext ctx)
    {
        var x = In(n, xs, 0);
        float[]? scales = null;
        int[]? sizes = null;
        string ct;
        string nearestMode;
        if (n.OpType == "Upsample")
        {
            scales = n.Opset >= 9 ? In(n, xs, 1).Contiguous().ToArray() : n.Floats("scales");
            ct = "asymmetric";
            nearestMode = "floor";
        }
        else if (n.Opset < 11)
        {
            scales = In(n, xs, 1).Contiguous().ToArray();
            ct = "asymmetric";
            nearestMode = "floor";
        }
        else
        {
            ct = n.String("coordinate_transformation_mode", "half_pixel");
            nearestMode = n.String("nearest_mode", "round_prefer_floor");
            if (Opt(xs, 2) is { Numel: > 0 } s) scales = s.Contiguous().ToArray();
            if (Opt(xs, 3) is { Numel: > 0 } z) sizes = IntValues(z);
        }
        string mode = n.String("mode", "nearest");
        int rank = x.Rank;
        int[]? axes = n.Opset >= 18 && n.Ints("axes") is { } ax ? Axes(n, ax, rank) : null;
        axes ??= Enumerable.Range(0, rank).ToArray();
        if (scales is null && sizes is null) throw n.Error("needs scales or sizes");
        if ((scales?.Length ?? sizes!.Length) != axes.Length)
            throw new ShapeMismatchException($"{n}: {(scales is null ? "sizes" : "scales")} has {(scales?.Length ?? sizes!.Length)} values for {axes.Length} axes of {x.Shape}.");
        var final = Dims(x);
        for (int i = 0; i < axes.Length; i++)
            final[axes[i]] = sizes is not null ? sizes[i] : (int)Math.Clamp(Math.Floor(x.Shape[axes[i]] * (double)scales![i]), -1, int.MaxValue);
        CheckSize(n, final);
        var y = x;
        for (int i = 0; i < axes.Length; i++)
        {
            int a = axes[i];
            int inSize = x.Shape[a];
            int outSize;
            double scale;
            if (sizes is not null) { outSize = sizes[i]; scale = inSize == 0 ? 1 : (double)outSize / inSize; }
            else { scale = scales![i]; outSize = (int)Math.Floor(inSize * scale); }
            if (outSize == inSize && scale == 1.0) continue;
            if (outSize < 0) throw new ShapeMismatchException($"{n}: output size {outSize} on axis {a}.");
            double resized = sizes is not null ? outSize : inSize * scale;   // ONNX measures the resized length before flooring
            y = mode == "nearest" ? ResizeNearest(y, a, inSize, outSize, resized, scale, ct, nearestMode)
                : mode is "cubic" or "bicubic" ? ResizeCubic(y, a, inSize, outSize, resized, scale, ct, n.Float("cubic_coeff_a", -0.75f), n.Int("exclude_outside", 0) != 0)
                : ResizeLinear(y, a, inSize, outSize, resized, scale, ct);
        }
        return One(y);
    }

    static double SourceCoord(int o, int inSize, double outSize, double scale, string ct) => ct switch
    {
        "half_pixel" => (o + 0.5) / scale - 0.5,
        "half_pixel_symmetric" => inSize / 2.0 * (1 - outSize / (scale * inSize)) + (o + 0.5) / scale - 0.5,
        "pytorch_half_pixel" => outSize > 1 ? (o + 0.5) / scale - 0.5 : 0,
        "align_corners" => outSize == 1 ? 0 : o * (inSize - 1.0) / (outSize - 1.0),
        "tf_half_pixel_for_nn" => (o + 0.5) / scale,
        _ => o / scale,   // asymmetric
    };

    static Tensor ResizeNearest(Tensor x, int axis, int inSize, int outSize, double resized, double scale, string ct, string nearestMode)
    {
        var idx = new float[outSize];
        for (int o = 0; o < outSize; o++)
        {
            double c = SourceCoord(o, inSize, resized, scale, ct);
            double r = nearestMode switch
            {
                "floor" => Math.Floor(c),
                "ceil" => Math.Ceiling(c),
                "round_prefer_ceil" => Math.Floor(c + 0.5),
                _ => c - Math.Floor(c) == 0.5 ? Math.Floor(c) : Math.Round(c, MidpointRounding.AwayFromZero),   // round_prefer_floor
            };
            idx[o] = (float)Math.Clamp(r, 0, inSize - 1);
        }
        return Ops.IndexSelect(x, axis, Tensor.FromArray(idx, outSize));
    }

    static Tensor ResizeLinear(Tensor x, int axis, int inSize, int outSize, double resized, double scale, string ct)
    {
        var i0 = new float[outSize];
        var i1 = new float[outSize];
        var w1 = new float[outSize];
        for (int o = 0; o < outSize; o++)
        {
            double c = Math.Clamp(SourceCoord(o, inSize, resized, scale, ct), 0, inSize - 1);
            int lo = (int)Math.Floor(c);
            int hi = Math.Min(lo + 1, inSize - 1);
            i0[o] = lo; i1[o] = hi; w1[o] = (float)(c - lo);
        }
        var wShape = new int[x.Rank];
        Array.Fill(wShape, 1);
        wShape[axis] = outSize;
        var wHi = Tensor.FromArray(w1, wShape);
        var wLo = Ops.Sub(1f, wHi);
        var a = Ops.IndexSelect(x, axis, Tensor.FromArray(i0, outSize));
        var b = Ops.IndexSelect(x, axis, Tensor.FromArray(i1, outSize));
        return Ops.Add(Ops.Mul(a, wLo), Ops.Mul(b, wHi));
    }

    // Cubic convolution (Keys) with coefficient a over 4 taps; taps outside the input repeat the edge, or with
    // exclude_outside get weight 0 and the rest are renormalised.
    static Tensor ResizeCubic(Tensor x, int axis, int inSize, int outSize, double resized, double scale, string ct, float a, bool excludeOutside)
    {
        var idx = new float[4][];
        var wts = new float[4][];
        for (int t = 0; t < 4; t++) { idx[t] = new float[outSize]; wts[t] = new float[outSize]; }
        for (int o = 0; o < outSize; o++)
        {
            double c = SourceCoord(o, inSize, resized, scale, ct);
            double f = Math.Floor(c), s = c - f;
            double[] d = [s + 1, s, 1 - s, 2 - s];
            double sum = 0;
            var w = new double[4];
            for (int t = 0; t < 4; t++)
            {
                double z = d[t];
                w[t] = z <= 1 ? ((a + 2) * z - (a + 3)) * z * z + 1 : ((a * z - 5 * a) * z + 8 * a) * z - 4 * a;
                int i = (int)f - 1 + t;
                if (excludeOutside && (i < 0 || i >= inSize)) w[t] = 0;
                sum += w[t];
                idx[t][o] = Math.Clamp(i, 0, inSize - 1);
            }
            for (int t = 0; t < 4; t++) wts[t][o] = (float)(excludeOutside && sum != 0 ? w[t] / sum : w[t]);
        }
        var wShape = new int[x.Rank];
        Array.Fill(wShape, 1);
        wShape[axis] = outSize;
        Tensor? y = null;
        for (int t = 0; t < 4; t++)
        {
            var term = Ops.Mul(Ops.IndexSelect(x, axis, Tensor.FromArray(idx[t], outSize)), Tensor.FromArray(wts[t], wShape));
            y = y is null ? term : Ops.Add(y, term);
        }
        return y!;
    }
}
