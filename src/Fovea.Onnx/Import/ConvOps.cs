namespace Fovea.Onnx;

public static partial class OnnxOperators
{
    // Conv: X [N,C,*], W [M,C/group,k...], optional B [M]. pads are [x1_begin, x2_begin, ..., x1_end, ...];
    // asymmetric padding becomes an explicit zero pad before a pad-free convolution.
    static Tensor?[] ConvImport(OnnxNode n, Tensor?[] xs, OnnxContext ctx)
    {
        var x = In(n, xs, 0);
        var w = In(n, xs, 1);
        var b = Opt(xs, 2);
        int k = w.Rank - 2;
        if (k < 1 || x.Rank != k + 2) throw new ShapeMismatchException($"{n}: input {x.Shape} and weight {w.Shape} do not form a {Math.Max(k, 1)}-D convolution.");
        var kernel = n.Ints("kernel_shape") ?? Dims(w)[2..];
        var stride = IntsOr(n, "strides", k, 1);
        var dil = IntsOr(n, "dilations", k, 1);
        int group = n.Int32("group", 1);
        var (pb, pe) = SpatialPads(n, Dims(x)[2..], kernel, stride, dil);
        if (!Symmetric(pb, pe)) { x = PadSpatial(x, pb, pe, 0f); pb = new int[k]; }
        return One(Ops.Conv(x, w, b, stride, pb, dil, group));
    }

    // ConvTranspose: W [C, M/group, k...]. Computed without padding, then cropped to the padded (or requested) size,
    // which covers pads, output_padding, output_shape and auto_pad alike.
    static Tensor?[] ConvTransposeImport(OnnxNode n, Tensor?[] xs, OnnxContext ctx)
    {
        var x = In(n, xs, 0);
        var w = In(n, xs, 1);
        var b = Opt(xs, 2);
        int k = w.Rank - 2;
        if (k < 1 || x.Rank != k + 2) throw new ShapeMismatchException($"{n}: input {x.Shape} and weight {w.Shape} do not form a {Math.Max(k, 1)}-D transposed convolution.");
        var kernel = n.Ints("kernel_shape") ?? Dims(w)[2..];
        var stride = IntsOr(n, "strides", k, 1);
        var dil = IntsOr(n, "dilations", k, 1);
        var outPad = IntsOr(n, "output_padding", k, 0);
        int group = n.Int32("group", 1);
        var y = Ops.ConvTranspose(x, w, null, stride, new int[k], new int[k], dil, group);
        var inS = Dims(x)[2..];
        var outShape = n.Ints("output_shape");
        string auto = n.String("auto_pad", "NOTSET");
        var pads = n.Ints("pads");
        for (int i = 0; i < k; i++)
        {
            int full = stride[i] * (inS[i] - 1) + outPad[i] + (kernel[i] - 1) * dil[i] + 1;
            int begin, end;
            if (outShape is not null || auto is "SAME_UPPER" or "SAME_LOWER")
            {
                int target = outShape is not null ? outShape[outShape.Length - k + i] : inS[i] * stride[i];
                int total = full - target;
                // SAME_UPPER puts the larger half at the end (as ONNX Runtime and the reference implementation do)
                int half = (int)Math.Floor(total / 2.0);   // floor division, so a negative total pads the end
                (begin, end) = auto == "SAME_UPPER" ? (half, total - half) : (total - half, half);
            }
            else if (pads is not null && auto == "NOTSET")
            {
                if (pads.Length != 2 * k) throw n.Error($"attribute 'pads' has {pads.Length} values, expected {2 * k}");
                (begin, end) = (pads[i], pads[i + k]);
            }
            else (begin, end) = (0, 0);
            y = CropOrPad(y, 2 + i, begin, full - begin - end);
        }
        if (b is not null)
        {
            var bs = new int[k + 2];
            Array.Fill(bs, 1);
            bs[1] = b.Numel;
            y = Ops.Add(y, Ops.Reshape(b, bs));
        }
        return One(y);
    }
}
