namespace Fovea.Onnx;

public static partial class OnnxOperators
{
    // RoiAlign: each region of interest (x1, y1, x2, y2 in input coordinates times spatial_scale) is cut into
    // output_height x output_width bins; each bin averages (or, in max mode, takes the largest weighted corner
    // of) bilinear samples on a sampling_ratio grid, as ONNX Runtime does. Computed directly (no gradient).
    static Tensor?[] RoiAlignImport(OnnxNode n, Tensor?[] xs, OnnxContext ctx)
    {
        var x = In(n, xs, 0);
        var rois = In(n, xs, 1).Contiguous().ToArray();
        var bidx = IntValues(In(n, xs, 2));
        var (nb, c, h, w) = x.Shape.Dims4(n.ToString());
        int oh = n.Int32("output_height", 1), ow = n.Int32("output_width", 1), ratio = n.Int32("sampling_ratio", 0);
        float scale = n.Float("spatial_scale", 1f);
        bool max = n.String("mode", "avg") == "max";
        bool halfPixel = n.String("coordinate_transformation_mode", n.Opset >= 16 ? "half_pixel" : "output_half_pixel") == "half_pixel";
        int nr = bidx.Length;
        if (rois.Length != nr * 4) throw new ShapeMismatchException($"{n}: rois has {rois.Length / 4.0} boxes, batch_indices {nr}.");
        CheckSize(n, [nr, c, oh, ow]);
        var v = x.Contiguous().ToArray();
        var y = new float[nr * c * oh * ow];
        double off = halfPixel ? 0.5 : 0;
        for (int r = 0; r < nr; r++)
        {
            int b = bidx[r];
            if (b < 0 || b >= nb) throw new ShapeMismatchException($"{n}: batch index {b} is outside the {nb} images.");
            double sx = rois[4 * r] * scale - off, sy = rois[4 * r + 1] * scale - off;
            double rw = rois[4 * r + 2] * scale - off - sx, rh = rois[4 * r + 3] * scale - off - sy;
            if (!halfPixel) { rw = Math.Max(rw, 1); rh = Math.Max(rh, 1); }
            double bh = rh / oh, bw = rw / ow;
            int gh = ratio > 0 ? ratio : (int)Math.Ceiling(rh / oh), gw = ratio > 0 ? ratio : (int)Math.Ceiling(rw / ow);
            int samples = Math.Max(gh * gw, 1);
            for (int ch = 0; ch < c; ch++)
            {
                int plane = (b * c + ch) * h * w;
                for (int ph = 0; ph < oh; ph++)
                    for (int pw = 0; pw < ow; pw++)
                    {
                        double acc = max ? double.NegativeInfinity : 0;
                        bool any = false;
                        for (int iy = 0; iy < gh; iy++)
                        {
                            double yy = sy + ph * bh + (iy + 0.5) * bh / gh;
                            for (int ix = 0; ix < gw; ix++)
                            {
                                double xx = sx + pw * bw + (ix + 0.5) * bw / gw;
                                if (yy < -1 || yy > h || xx < -1 || xx > w) { if (max) { acc = Math.Max(acc, 0); any = true; } continue; }
                                double py = Math.Max(yy, 0), px = Math.Max(xx, 0);
                                int y0 = (int)py, x0 = (int)px, y1, x1;
                                if (y0 >= h - 1) { y0 = y1 = h - 1; py = y0; } else y1 = y0 + 1;
                                if (x0 >= w - 1) { x0 = x1 = w - 1; px = x0; } else x1 = x0 + 1;
                                double ly = py - y0, lx = px - x0, hy = 1 - ly, hx = 1 - lx;
                                double w1 = hy * hx, w2 = hy * lx, w3 = ly * hx, w4 = ly * lx;
                                double v1 = v[plane + y0 * w + x0], v2 = v[plane + y0 * w + x1], v3 = v[plane + y1 * w + x0], v4 = v[plane + y1 * w + x1];
                                if (max) acc = Math.Max(Math.Max(Math.Max(Math.Max(acc, w1 * v1), w2 * v2), w3 * v3), w4 * v4);
                                else acc += w1 * v1 + w2 * v2 + w3 * v3 + w4 * v4;
                                any = true;
                            }
                        }
                        y[((r * c + ch) * oh + ph) * ow + pw] = (float)(max ? (any ? acc : 0) : acc / samples);
                    }
            }
        }
        return One(Tensor.FromArray(y, nr, c, oh, ow));
    }
}
