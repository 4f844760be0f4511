namespace Fovea.Tests.Reference;

/// <summary>
/// Naive pooling and resampling references over [N,C,D,H,W] arrays (1-D and 2-D use size-1 leading axes): plain
/// loops over every window position with explicit bounds tests and double accumulation, written from the
/// PyTorch definitions independently of the kernels.
/// </summary>
public static class PoolReference
{
    /// <summary>(max values, flat in-plane indices) for a windowed max pool.</summary>
    public static (double[] y, int[] idx) MaxPool(float[] x, int planes, int[] inS, int[] outS, int[] k, int[] s, int[] p, int[] d)
    {
        int inP = inS[0] * inS[1] * inS[2], outP = outS[0] * outS[1] * outS[2];
        var y = new double[planes * outP];
        var idx = new int[planes * outP];
        for (int n = 0; n < planes; n++)
            for (int o0 = 0; o0 < outS[0]; o0++)
                for (int o1 = 0; o1 < outS[1]; o1++)
                    for (int o2 = 0; o2 < outS[2]; o2++)
                    {
                        double best = double.NegativeInfinity;
                        int arg = -1;
                        for (int a = 0; a < k[0]; a++)
                            for (int b = 0; b < k[1]; b++)
                                for (int c = 0; c < k[2]; c++)
                                {
                                    int i0 = o0 * s[0] - p[0] + a * d[0], i1 = o1 * s[1] - p[1] + b * d[1], i2 = o2 * s[2] - p[2] + c * d[2];
                                    if (i0 < 0 || i0 >= inS[0] || i1 < 0 || i1 >= inS[1] || i2 < 0 || i2 >= inS[2]) continue;
                                    int at = (i0 * inS[1] + i1) * inS[2] + i2;
                                    double v = x[n * inP + at];
                                    if (arg < 0 || v > best) { best = v; arg = at; }
                                }
                        int o = ((n * outS[0] + o0) * outS[1] + o1) * outS[2] + o2;
                        y[o] = best;
                        idx[o] = arg;
                    }
        return (y, idx);
    }

    /// <summary>Average pool with PyTorch's divisor: window clipped to the padded input (includePad) or to the input.</summary>
    public static double[] AvgPool(float[] x, int planes, int[] inS, int[] outS, int[] k, int[] s, int[] p, bool includePad, int? divisor)
    {
        int inP = inS[0] * inS[1] * inS[2], outP = outS[0] * outS[1] * outS[2];
        var y = new double[planes * outP];
        for (int n = 0; n < planes; n++)
            for (int o0 = 0; o0 < outS[0]; o0++)
                for (int o1 = 0; o1 < outS[1]; o1++)
                    for (int o2 = 0; o2 < outS[2]; o2++)
                    {
                        double sum = 0;
                        int inside = 0, padded = 0;
                        for (int a = 0; a < k[0]; a++)
                            for (int b = 0; b < k[1]; b++)
                                for (int c = 0; c < k[2]; c++)
                                {
                                    int i0 = o0 * s[0] - p[0] + a, i1 = o1 * s[1] - p[1] + b, i2 = o2 * s[2] - p[2] + c;
                                    if (i0 < inS[0] + p[0] && i1 < inS[1] + p[1] && i2 < inS[2] + p[2]) padded++;
                                    if (i0 < 0 || i0 >= inS[0] || i1 < 0 || i1 >= inS[1] || i2 < 0 || i2 >= inS[2]) continue;
                                    inside++;
                                    sum += x[n * inP + (i0 * inS[1] + i1) * inS[2] + i2];
                                }
                        y[((n * outS[0] + o0) * outS[1] + o1) * outS[2] + o2] = sum / (divisor ?? (includePad ? padded : inside));
                    }
        return y;
    }

    /// <summary>Adaptive average (max=false) or max pool with windows [floor(i·n/m), ceil((i+1)·n/m)).</summary>
    public static double[] AdaptivePool(float[] x, int planes, int[] inS, int[] outS, bool max)
    {
        int inP = inS[0] * inS[1] * inS[2], outP = outS[0] * outS[1] * outS[2];
        var y = new double[planes * outP];
        static (int, int) W(int i, int n, int m) => ((int)Math.Floor((double)i * n / m), (int)Math.Ceiling((double)(i + 1) * n / m));
        for (int n = 0; n < planes; n++)
            for (int o0 = 0; o0 < outS[0]; o0++)
                for (int o1 = 0; o1 < outS[1]; o1++)
                    for (int o2 = 0; o2 < outS[2]; o2++)
                    {
                        var (a0, a1) = W(o0, inS[0], outS[0]);
                        var (b0, b1) = W(o1, inS[1], outS[1]);
                        var (c0, c1) = W(o2, inS[2], outS[2]);
                        double acc = max ? double.NegativeInfinity : 0;
                        for (int a = a0; a < a1; a++)
                            for (int b = b0; b < b1; b++)
                                for (int c = c0; c < c1; c++)
                                {
                                    double v = x[n * inP + (a * inS[1] + b) * inS[2] + c];
                                    acc = max ? Math.Max(acc, v) : acc + v;
                                }
                        if (!max) acc /= (a1 - a0) * (b1 - b0) * (c1 - c0);
                        y[((n * outS[0] + o0) * outS[1] + o1) * outS[2] + o2] = acc;
                    }
        return y;
    }

    /// <summary>Bilinear resize of [planes, H, W] with PyTorch's source-index rule, in double.</summary>
    public static double[] Bilinear(float[] x, int planes, int inH, int inW, int outH, int outW, bool alignCorners)
    {
        var y = new double[planes * outH * outW];
        double Src(int i, int n, int m) => alignCorners ? (m > 1 ? (double)(n - 1) / (m - 1) * i : 0) : Math.Max((i + 0.5) * n / m - 0.5, 0);
        for (int p = 0; p < planes; p++)
            for (int h = 0; h < outH; h++)
                for (int w = 0; w < outW; w++)
                {
                    double sh = Src(h, inH, outH), sw = Src(w, inW, outW);
                    int h0 = Math.Min((int)sh, inH - 1), w0 = Math.Min((int)sw, inW - 1);
                    int h1 = Math.Min(h0 + 1, inH - 1), w1 = Math.Min(w0 + 1, inW - 1);
                    double lh = sh - h0, lw = sw - w0;
                    double V(int a, int b) => x[(p * inH + a) * inW + b];
                    y[(p * outH + h) * outW + w] = (1 - lh) * ((1 - lw) * V(h0, w0) + lw * V(h0, w1)) + lh * ((1 - lw) * V(h1, w0) + lw * V(h1, w1));
                }
        return y;
    }

    public static float[] ToFloat(double[] a) => a.Select(v => (float)v).ToArray();
}
