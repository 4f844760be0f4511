namespace Fovea.Onnx;

public static partial class OnnxOperators
{
    // GridSample (2-D): samples X [N,C,H,W] at grid [N,Ho,Wo,2] (x, y in [-1, 1]) with nearest, bilinear or
    // bicubic interpolation and zeros, border or reflection padding. Values come from Gather over the flattened
    // image and the interpolation weights are computed with ops from the grid, so gradients reach X and the grid.
    static void GridSampleCheck(OnnxNode n)
    {
        string mode = n.String("mode", n.Opset >= 20 ? "linear" : "bilinear");
        if (mode is not ("bilinear" or "linear" or "nearest" or "bicubic" or "cubic")) throw new OnnxUnsupportedException($"{n}: mode '{mode}' is not supported.");
        string pad = n.String("padding_mode", "zeros");
        if (pad is not ("zeros" or "border" or "reflection")) throw new OnnxUnsupportedException($"{n}: padding_mode '{pad}' is not supported.");
    }

    static Tensor?[] GridSampleImport(OnnxNode n, Tensor?[] xs, OnnxContext ctx)
    {
        var x = In(n, xs, 0);
        var grid = In(n, xs, 1);
        var (nb, c, h, w) = x.Shape.Dims4(n.ToString());
        if (grid.Rank != 4 || grid.Shape[0] != nb || grid.Shape[3] != 2)
            throw new ShapeMismatchException($"{n}: grid {grid.Shape} does not fit [N,Ho,Wo,2] for input {x.Shape}.");
        int ho = grid.Shape[1], wo = grid.Shape[2], p = ho * wo;
        bool align = n.Int("align_corners", 0) != 0;
        string mode = n.String("mode", "bilinear");
        string pad = n.String("padding_mode", "zeros");
        var gx = Ops.Reshape(Ops.Narrow(grid, 3, 0, 1), nb, 1, p);
        var gy = Ops.Reshape(Ops.Narrow(grid, 3, 1, 1), nb, 1, p);
        var fx = PadCoord(Unnormalize(gx, w, align), w, align, pad);
        var fy = PadCoord(Unnormalize(gy, h, align), h, align, pad);
        var flat = Ops.Reshape(x, nb, c, h * w);
        Tensor Tap(Tensor ix, Tensor iy)   // ix, iy: integer-valued [N,1,P], no gradient
        {
            Tensor valid;
            (ix, iy, valid) = PadIndex(ix, iy, w, h, align, pad);
            var idx = Ops.Expand(Ops.Add(Ops.Mul(iy, (float)w), ix), nb, c, p).Contiguous();
            return Ops.Mul(Ops.Gather(flat, 2, idx), valid);
        }
        Tensor y;
        if (mode == "nearest")
            y = Tap(Ops.Round(fx).Detach(), Ops.Round(fy).Detach());
        else if (mode is "bilinear" or "linear")
        {
            var x0 = Ops.Floor(fx).Detach();
            var y0 = Ops.Floor(fy).Detach();
            var wx1 = Ops.Sub(fx, x0);
            var wy1 = Ops.Sub(fy, y0);
            var wx0 = Ops.Sub(1f, wx1);
            var wy0 = Ops.Sub(1f, wy1);
            var x1 = Ops.Add(x0, 1f);
            var y1 = Ops.Add(y0, 1f);
            y = Ops.Add(Ops.Add(Ops.Mul(Tap(x0, y0), Ops.Mul(wx0, wy0)), Ops.Mul(Tap(x1, y0), Ops.Mul(wx1, wy0))),
                        Ops.Add(Ops.Mul(Tap(x0, y1), Ops.Mul(wx0, wy1)), Ops.Mul(Tap(x1, y1), Ops.Mul(wx1, wy1))));
        }
        else
        {
            var x0 = Ops.Floor(fx).Detach();
            var y0 = Ops.Floor(fy).Detach();
            var cx = CubicWeights(Ops.Sub(fx, x0));
            var cy = CubicWeights(Ops.Sub(fy, y0));
            Tensor? acc = null;
            for (int j = 0; j < 4; j++)
            {
                Tensor? row = null;
                for (int i = 0; i < 4; i++)
                {
                    var t = Ops.Mul(Tap(Ops.Add(x0, i - 1f), Ops.Add(y0, j - 1f)), cx[i]);
                    row = row is null ? t : Ops.Add(row, t);
                }
                var rj = Ops.Mul(row!, cy[j]);
                acc = acc is null ? rj : Ops.Add(acc, rj);
            }
            y = acc!;
        }
        return One(Ops.Reshape(y, nb, c, ho, wo));
    }

    static Tensor Unnormalize(Tensor g, int size, bool align) =>
        align ? Ops.Mul(Ops.Add(g, 1f), (size - 1) / 2f) : Ops.Mul(Ops.Sub(Ops.Mul(Ops.Add(g, 1f), (float)size), 1f), 0.5f);

    // Coordinates outside the image: border clamps, reflection mirrors (about the corner centres with
    // align_corners, about the image edges without), zeros leaves them for the taps to drop.
    static Tensor PadCoord(Tensor v, int size, bool align, string pad)
    {
        if (pad == "border") return Ops.Clamp(v, 0f, size - 1f);
        if (pad != "reflection") return v;
        float lo = align ? 0f : -0.5f, hi = align ? size - 1f : size - 0.5f;
        return Ops.Clamp(Reflect(v, lo, hi), 0f, size - 1f);
    }

    static Tensor Reflect(Tensor v, float lo, float hi)
    {
        float span = hi - lo;
        if (span <= 0) return Ops.Mul(v, 0f);
        var d = Ops.Abs(Ops.Sub(v, lo));
        var k = Ops.Floor(Ops.Div(d, Tensor.Scalar(span))).Detach();
        var r = Ops.Sub(d, Ops.Mul(k, span));
        var odd = Ops.Sub(k, Ops.Mul(Ops.Floor(Ops.Mul(k, 0.5f)), 2f));   // 1 where the reflection count is odd
        return Ops.Add(Ops.Add(Ops.Mul(odd, Ops.Sub(span, r)), Ops.Mul(Ops.Sub(1f, odd), r)), lo);
    }

    // Integer tap positions: zeros gives a 0/1 validity mask; border and reflection move the tap inside.
    static (Tensor ix, Tensor iy, Tensor valid) PadIndex(Tensor ix, Tensor iy, int w, int h, bool align, string pad)
    {
        if (pad == "zeros")
        {
            var valid = Ops.Mul(Ops.Mul(Ops.Ge(ix, 0f), Ops.Le(ix, w - 1f)), Ops.Mul(Ops.Ge(iy, 0f), Ops.Le(iy, h - 1f)));
            return (Ops.Clamp(ix, 0f, w - 1f), Ops.Clamp(iy, 0f, h - 1f), valid);
        }
        if (pad == "reflection")
        {
            float lo = align ? 0f : -0.5f;
            ix = Ops.Round(Reflect(ix, lo, align ? w - 1f : w - 0.5f)).Detach();
            iy = Ops.Round(Reflect(iy, lo, align ? h - 1f : h - 0.5f)).Detach();
        }
        return (Ops.Clamp(ix, 0f, w - 1f), Ops.Clamp(iy, 0f, h - 1f), Tensor.Scalar(1f));
    }

    // Keys cubic weights (a = -0.75) for the taps at offsets -1, 0, 1, 2 from floor, given t = v - floor(v).
    static Tensor[] CubicWeights(Tensor t)
    {
        const float a = -0.75f;
        Tensor Near(Tensor z) => Ops.Add(Ops.Mul(Ops.Mul(Ops.Sub(Ops.Mul(z, a + 2), a + 3), z), z), 1f);          // |z| <= 1
        Tensor Far(Tensor z) => Ops.Sub(Ops.Mul(Ops.Add(Ops.Mul(Ops.Sub(Ops.Mul(z, a), 5 * a), z), 8 * a), z), 4 * a);   // 1 < |z| < 2
        return [Far(Ops.Add(t, 1f)), Near(t), Near(Ops.Sub(1f, t)), Far(Ops.Sub(2f, t))];
    }
}
