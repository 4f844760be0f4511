namespace Fovea.Tests.Reference;

/// <summary>
/// Direct N-d convolution and transposed convolution by their definitions, in plain loops with double
/// accumulation, plus their gradients; the reference the conv kernels are compared with. Padding is given as
/// separate begin/end arrays; shapes are NC*spatial.
/// </summary>
public static class NaiveConv
{
    public sealed record Grads(double[] Dx, double[] Dw, double[]? Db);

    /// <summary>Output spatial size of a convolution.</summary>
    public static int[] ConvOut(int[] xs, int[] ws, int[] s, int[] pb, int[] pe, int[] d)
    {
        int n = ws.Length - 2;
        var o = new int[n];
        for (int i = 0; i < n; i++) o[i] = (xs[2 + i] + pb[i] + pe[i] - d[i] * (ws[2 + i] - 1) - 1) / s[i] + 1;
        return [xs[0], ws[0], .. o];
    }

    // Calls visit(xIndex, wIndex, yIndex) for every product x·w that enters y, by the definition
    // y[n, o, p] += x[n, g*Cg + c, p*s - pb + k*d] * w[o, c, k] with g = o / (Cout/groups).
    static void ConvTriples(int[] xs, int[] ws, int[] ys, int[] s, int[] pb, int[] d, int groups, Action<int, int, int> visit)
    {
        int n = ws.Length - 2, cout = ws[0], cg = ws[1], og = cout / groups, cin = xs[1];
        var inSp = xs[2..]; var kSp = ws[2..]; var outSp = ys[2..];
        int inNum = Prod(inSp), kNum = Prod(kSp), outNum = Prod(outSp);
        var op = new int[n]; var kp = new int[n];
        for (int b = 0; b < xs[0]; b++)
            for (int o = 0; o < cout; o++)
            {
                int g = o / og;
                for (int pi = 0; pi < outNum; pi++)
                {
                    Unflatten(pi, outSp, op);
                    for (int c = 0; c < cg; c++)
                        for (int ki = 0; ki < kNum; ki++)
                        {
                            Unflatten(ki, kSp, kp);
                            int xi = 0; bool inside = true;
                            for (int a = 0; a < n; a++)
                            {
                                int at = op[a] * s[a] - pb[a] + kp[a] * d[a];
                                if (at < 0 || at >= inSp[a]) { inside = false; break; }
                                xi = xi * inSp[a] + at;
                            }
                            if (!inside) continue;
                            visit(((b * cin) + g * cg + c) * inNum + xi, (o * cg + c) * kNum + ki, (b * cout + o) * outNum + pi);
                        }
                }
            }
    }

    public static double[] Conv(float[] x, int[] xs, float[] w, int[] ws, float[]? bias, int[] s, int[] pb, int[] pe, int[] d, int groups, out int[] ys)
    {
        var shape = ys = ConvOut(xs, ws, s, pb, pe, d);
        var y = new double[Prod(shape)];
        int outNum = Prod(shape[2..]);
        if (bias != null) for (int i = 0; i < y.Length; i++) y[i] = bias[i / outNum % shape[1]];
        ConvTriples(xs, ws, shape, s, pb, d, groups, (xi, wi, yi) => y[yi] += (double)x[xi] * w[wi]);
        return y;
    }

    public static Grads ConvBackward(float[] x, int[] xs, float[] w, int[] ws, bool bias, float[] dy, int[] ys, int[] s, int[] pb, int[] d, int groups)
    {
        var dx = new double[x.Length]; var dw = new double[w.Length];
        ConvTriples(xs, ws, ys, s, pb, d, groups, (xi, wi, yi) => { dx[xi] += (double)dy[yi] * w[wi]; dw[wi] += (double)dy[yi] * x[xi]; });
        return new Grads(dx, dw, bias ? BiasGrad(dy, ys) : null);
    }

    /// <summary>Output shape of a transposed convolution (w: [Cin, Cout/groups, *k]).</summary>
    public static int[] TransposeOut(int[] xs, int[] ws, int[] s, int[] pb, int[] pe, int[] op, int[] d, int groups)
    {
        int n = ws.Length - 2;
        var o = new int[n];
        for (int i = 0; i < n; i++) o[i] = (xs[2 + i] - 1) * s[i] - pb[i] - pe[i] + d[i] * (ws[2 + i] - 1) + op[i] + 1;
        return [xs[0], ws[1] * groups, .. o];
    }

    // By the definition y[n, g*Cog + j, i*s - pb + k*d] += x[n, c, i] * w[c, j, k] with g = c / (Cin/groups).
    static void TransposeTriples(int[] xs, int[] ws, int[] ys, int[] s, int[] pb, int[] d, int groups, Action<int, int, int> visit)
    {
        int n = ws.Length - 2, cin = ws[0], cog = ws[1], ig = cin / groups, cout = ys[1];
        var inSp = xs[2..]; var kSp = ws[2..]; var outSp = ys[2..];
        int inNum = Prod(inSp), kNum = Prod(kSp), outNum = Prod(outSp);
        var ip = new int[n]; var kp = new int[n];
        for (int b = 0; b < xs[0]; b++)
            for (int c = 0; c < cin; c++)
            {
                int g = c / ig;
                for (int ii = 0; ii < inNum; ii++)
                {
                    Unflatten(ii, inSp, ip);
                    for (int j = 0; j < cog; j++)
                        for (int ki = 0; ki < kNum; ki++)
                        {
                            Unflatten(ki, kSp, kp);
                            int yi = 0; bool inside = true;
                            for (int a = 0; a < n; a++)
                            {
                                int at = ip[a] * s[a] - pb[a] + kp[a] * d[a];
                                if (at < 0 || at >= outSp[a]) { inside = false; break; }
                                yi = yi * outSp[a] + at;
                            }
                            if (!inside) continue;
                            visit((b * cin + c) * inNum + ii, (c * cog + j) * kNum + ki, (b * cout + g * cog + j) * outNum + yi);
                        }
                }
            }
    }

    public static double[] Transpose(float[] x, int[] xs, float[] w, int[] ws, float[]? bias, int[] s, int[] pb, int[] pe, int[] op, int[] d, int groups, out int[] ys)
    {
        var shape = ys = TransposeOut(xs, ws, s, pb, pe, op, d, groups);
        var y = new double[Prod(shape)];
        int outNum = Prod(shape[2..]);
        if (bias != null) for (int i = 0; i < y.Length; i++) y[i] = bias[i / outNum % shape[1]];
        TransposeTriples(xs, ws, shape, s, pb, d, groups, (xi, wi, yi) => y[yi] += (double)x[xi] * w[wi]);
        return y;
    }

    public static Grads TransposeBackward(float[] x, int[] xs, float[] w, int[] ws, bool bias, float[] dy, int[] ys, int[] s, int[] pb, int[] d, int groups)
    {
        var dx = new double[x.Length]; var dw = new double[w.Length];
        TransposeTriples(xs, ws, ys, s, pb, d, groups, (xi, wi, yi) => { dx[xi] += (double)dy[yi] * w[wi]; dw[wi] += (double)dy[yi] * x[xi]; });
        return new Grads(dx, dw, bias ? BiasGrad(dy, ys) : null);
    }

    static double[] BiasGrad(float[] dy, int[] ys)
    {
        var db = new double[ys[1]];
        int outNum = Prod(ys[2..]);
        for (int i = 0; i < dy.Length; i++) db[i / outNum % ys[1]] += dy[i];
        return db;
    }

    static void Unflatten(int i, int[] sizes, int[] pos)
    {
        for (int a = sizes.Length - 1; a >= 0; a--) { pos[a] = i % sizes[a]; i /= sizes[a]; }
    }

    static int Prod(int[] a)
    {
        int p = 1;
        foreach (int v in a) p *= v;
        return p;
    }

    public static float[] ToFloat(double[] a)
    {
        var f = new float[a.Length];
        for (int i = 0; i < a.Length; i++) f[i] = (float)a[i];
        return f;
    }
}
