using Fovea.Kernels;

namespace Fovea;

public static partial class Ops
{
    /// <summary>
    /// Resizes the spatial axes of x [N,C,*] like <c>torch.nn.functional.interpolate</c>, given either the output
    /// <paramref name="size"/> or a <paramref name="scaleFactor"/> (output = floor(in·scale), and the scale itself
    /// drives the index rule, as in PyTorch without recompute_scale_factor). Modes: "nearest" (1 to 3 axes;
    /// PyTorch's legacy rule src = min(floor(dst·in/out), in-1)), "nearest-exact" (src = min(floor((dst+0.5)·in/out), in-1)),
    /// "area" (adaptive average pooling), "linear" (1 axis), "bilinear" and "bicubic"
    /// (2 axes, cubic convolution with A = -0.75) and "trilinear" (3 axes), the interpolating ones with
    /// align_corners false (default) or true. d/dx is the adjoint: each output's gradient goes back to the inputs it
    /// read, with the same weights.
    /// </summary>
    public static Tensor Interpolate(Tensor x, int[]? size, float[]? scaleFactor, string mode = "nearest", bool? alignCorners = null)
    {
        int dims = x.Rank - 2;
        string op = $"Interpolate({mode})";
        if (dims < 1 || dims > 3) throw new ShapeMismatchException($"{op}: expected a 3-D to 5-D input [N,C,*], got {x.Shape}.");
        if ((size is null) == (scaleFactor is null)) throw new ArgumentException($"{op}: give exactly one of size and scaleFactor.");
        var inSizes = x.Shape.ToArray()[2..];
        var outSizes = new int[dims];
        double?[] scales = new double?[dims];
        if (size is not null)
        {
            if (size.Length != dims && size.Length != 1) throw new ArgumentException($"{op}: size has {size.Length} values for an input {x.Shape} with {dims} spatial axes.");
            for (int i = 0; i < dims; i++) outSizes[i] = size[size.Length == 1 ? 0 : i];
        }
        else
        {
            if (scaleFactor!.Length != dims && scaleFactor.Length != 1) throw new ArgumentException($"{op}: scaleFactor has {scaleFactor.Length} values for an input {x.Shape} with {dims} spatial axes.");
            for (int i = 0; i < dims; i++)
            {
                double s = scaleFactor[scaleFactor.Length == 1 ? 0 : i];
                if (!(s > 0) || double.IsInfinity(s)) throw new ArgumentException($"{op}: scale factors must be positive and finite, got {s}.");
                scales[i] = s;
                outSizes[i] = (int)Math.Floor(inSizes[i] * s);
            }
        }
        for (int i = 0; i < dims; i++)
        {
            if (outSizes[i] <= 0) throw new ArgumentException($"{op}: output size [{string.Join(",", outSizes)}] must be positive (input {x.Shape}).");
            if (inSizes[i] <= 0) throw new ShapeMismatchException($"{op}: input {x.Shape} has an empty spatial axis.");
        }
        var outDims = new int[x.Rank];
        outDims[0] = x.Shape[0]; outDims[1] = x.Shape[1];
        outSizes.CopyTo(outDims, 2);
        int planes = x.Shape[0] * x.Shape[1];
        var y = Tensor.Empty(outDims);
        var xShape = x.Shape;

        switch (mode)
        {
            case "area":
                if (alignCorners is not null) throw new ArgumentException($"{op}: alignCorners only applies to the interpolating modes; leave it null.");
                return AdaptiveAvgPool(x, outSizes);
            case "nearest":
            case "nearest-exact":
            {
                if (alignCorners is not null) throw new ArgumentException($"{op}: alignCorners only applies to the interpolating modes; leave it null.");
                bool exact = mode == "nearest-exact";
                int off = 3 - dims;
                int In(int a) => a < off ? 1 : inSizes[a - off];
                int[] Map(int a) => a < off ? [0] : InterpolateKernel.NearestMap(inSizes[a - off], outSizes[a - off], scales[a - off], exact);
                int[] md = Map(0), mh = Map(1), mw = Map(2);
                int id = In(0), ih = In(1), iw = In(2);
                InterpolateKernel.NearestForward(PoolDense(x), y.Span, planes, id, ih, iw, md, mh, mw);
                return Tape.Record(y, exact ? "InterpolateNearestExact" : "InterpolateNearest", [x], g =>
                {
                    var gx = Tensor.Empty(xShape);
                    InterpolateKernel.NearestBackward(PoolDense(g), gx.Span, planes, id, ih, iw, md, mh, mw);
                    return [gx];
                });
            }
            case "linear":
            case "bilinear":
            case "trilinear":
            case "bicubic":
            {
                int want = mode switch { "linear" => 1, "trilinear" => 3, _ => 2 };
                if (dims != want) throw new ShapeMismatchException($"{op}: expects a {want + 2}-D input, got {x.Shape}.");
                bool ac = alignCorners ?? false;
                int off = 3 - dims;
                int In(int a) => a < off ? 1 : inSizes[a - off];
                InterpolateKernel.TapTable Taps(int a) => a < off ? InterpolateKernel.TapTable.Identity
                    : mode == "bicubic" ? InterpolateKernel.CubicTaps(inSizes[a - off], outSizes[a - off], ac, scales[a - off])
                    : InterpolateKernel.LinearTaps(inSizes[a - off], outSizes[a - off], ac, scales[a - off]);
                var (td, th, tw) = (Taps(0), Taps(1), Taps(2));
                int id = In(0), ih = In(1), iw = In(2);
                InterpolateKernel.SeparableForward(PoolDense(x), y.Span, planes, id, ih, iw, td, th, tw);
                string name = "Interpolate" + char.ToUpperInvariant(mode[0]) + mode[1..];
                return Tape.Record(y, name, [x], g =>
                {
                    var gx = Tensor.Empty(xShape);
                    InterpolateKernel.SeparableBackward(PoolDense(g), gx.Span, planes, id, ih, iw, td, th, tw);
                    return [gx];
                });
            }
            default:
                throw new ArgumentException($"Interpolate: mode '{mode}' is not supported (nearest, nearest-exact, linear, bilinear, bicubic, trilinear, area).");
        }
    }
}
