using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace Fovea.Kernels.Loss;

/// <summary>
/// Fused log-softmax + negative log-likelihood over logits laid out as [n, c, s] (s = product of the spatial
/// axes, 1 for plain [N,C]); one "row" is one (batch, position) pair. The forward keeps the log-sum-exp of every
/// row so the backward recomputes the softmax in one pass: d/dz = softmax(z)·k − (weighted one-hot and smoothing
/// terms). Class indices are floats holding integers; the caller validates them.
/// </summary>
public static class CrossEntropyKernel
{
    /// <summary>
    /// Class-index targets. Per row r with class y and weight w_y (1 without weights; 0 when ignored):
    /// loss_r = (1−ε)·w_y·(lse − z_y) + (ε/c)·(W·lse − Σ_k w_k z_k), W = Σ_k w_k. Writes loss, w_y and lse per row.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ForwardIndex(ReadOnlySpan<float> x, ReadOnlySpan<float> target, ReadOnlySpan<float> weight,
        int n, int c, int s, int ignoreIndex, float smoothing, Span<float> loss, Span<float> rowWeight, Span<float> lse)
    {
        int rows = n * s;
        Check(x.Length == n * c * s && target.Length >= rows && loss.Length >= rows && rowWeight.Length >= rows && lse.Length >= rows
            && (weight.IsEmpty || weight.Length == c));
        float wSum = weight.IsEmpty ? c : TensorPrimitives.Sum(weight);
        var tmp = new float[Math.Max(c, s)];
        var acc = s > 1 ? new float[3 * s] : null;   // max, sum of exp, Σ w_k z_k per position
        for (int b = 0; b < n; b++)
        {
            var xb = x.Slice(b * c * s, c * s);
            if (s == 1)
            {
                float m = RowMax(xb);
                TensorPrimitives.Subtract(xb, m, tmp.AsSpan(0, c));
                TensorPrimitives.Exp(tmp.AsSpan(0, c), tmp.AsSpan(0, c));
                float l = m + MathF.Log(RowSum(tmp.AsSpan(0, c)));
                float wz = smoothing == 0 ? 0 : weight.IsEmpty ? RowSum(xb) : TensorPrimitives.Dot(weight, xb);
                Row(b, l, wz, xb, 1, target, weight, ignoreIndex, smoothing, c, wSum, loss, rowWeight, lse);
            }
            else
            {
                var mx = acc.AsSpan(0, s); var se = acc.AsSpan(s, s); var wz = acc.AsSpan(2 * s, s);
                xb.Slice(0, s).CopyTo(mx);
                for (int k = 1; k < c; k++) TensorPrimitives.Max(mx, xb.Slice(k * s, s), mx);
                se.Clear(); wz.Clear();
                var t = tmp.AsSpan(0, s);
                for (int k = 0; k < c; k++)
                {
                    var xk = xb.Slice(k * s, s);
                    TensorPrimitives.Subtract(xk, mx, t);
                    TensorPrimitives.Exp(t, t);
                    TensorPrimitives.Add(se, t, se);
                    if (smoothing != 0) TensorPrimitives.MultiplyAdd(xk, weight.IsEmpty ? 1f : weight[k], wz, wz);
                }
                for (int p = 0; p < s; p++) Row(b * s + p, mx[p] + MathF.Log(se[p]), wz[p], xb.Slice(p), s, target, weight, ignoreIndex, smoothing, c, wSum, loss, rowWeight, lse);
            }
        }
    }

    static void Row(int r, float l, float wz, ReadOnlySpan<float> xr, int stride, ReadOnlySpan<float> target, ReadOnlySpan<float> weight,
        int ignoreIndex, float smoothing, int c, float wSum, Span<float> loss, Span<float> rowWeight, Span<float> lse)
    {
        lse[r] = l;
        int y = (int)target[r];
        if (y == ignoreIndex) { loss[r] = 0; rowWeight[r] = 0; return; }
        float wy = weight.IsEmpty ? 1f : weight[y];
        rowWeight[r] = wy;
        float v = (1 - smoothing) * wy * (l - xr[y * stride]);
        if (smoothing != 0) v += smoothing / c * (wSum * l - wz);
        loss[r] = v;
    }

    /// <summary>
    /// Gradient for class-index targets: gx[r,k] = a_r·(p_k·((1−ε)w_y + ε·W/c) − (1−ε)w_y·[k=y] − (ε/c)·w_k),
    /// zero on ignored rows; a_r is the upstream gradient of row r (already divided by the mean's denominator).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void BackwardIndex(ReadOnlySpan<float> x, ReadOnlySpan<float> target, ReadOnlySpan<float> weight,
        int n, int c, int s, int ignoreIndex, float smoothing, ReadOnlySpan<float> rowWeight, ReadOnlySpan<float> lse,
        ReadOnlySpan<float> a, Span<float> gx)
    {
        Check(x.Length == n * c * s && gx.Length == x.Length && a.Length >= n * s);
        float wSum = weight.IsEmpty ? c : TensorPrimitives.Sum(weight);
        float eps = smoothing / c;
        var k1 = new float[s]; var k2 = new float[s];
        for (int b = 0; b < n; b++)
        {
            var xb = x.Slice(b * c * s, c * s);
            var gb = gx.Slice(b * c * s, c * s);
            for (int p = 0; p < s; p++)
            {
                int r = b * s + p;
                bool ignored = (int)target[r] == ignoreIndex;
                k1[p] = ignored ? 0 : a[r] * ((1 - smoothing) * rowWeight[r] + smoothing * wSum / c);
                k2[p] = ignored ? 0 : -a[r] * eps;
            }
            if (s == 1)
            {
                if (k1[0] == 0 && k2[0] == 0) { gb.Clear(); continue; }
                TensorPrimitives.Subtract(xb, lse[b], gb);
                TensorPrimitives.Exp(gb, gb);
                TensorPrimitives.Multiply(gb, k1[0], gb);
                if (smoothing != 0)
                {
                    if (weight.IsEmpty) TensorPrimitives.Add(gb, k2[0], gb);
                    else TensorPrimitives.MultiplyAdd(weight, k2[0], gb, gb);
                }
            }
            else
            {
                var lb = lse.Slice(b * s, s);
                for (int k = 0; k < c; k++)
                {
                    var gk = gb.Slice(k * s, s);
                    TensorPrimitives.Subtract(xb.Slice(k * s, s), lb, gk);
                    TensorPrimitives.Exp(gk, gk);
                    TensorPrimitives.Multiply(gk, k1, gk);
                    if (smoothing != 0) TensorPrimitives.MultiplyAdd(k2, weight.IsEmpty ? 1f : weight[k], gk, gk);
                }
            }
            for (int p = 0; p < s; p++)
            {
                int r = b * s + p, y = (int)target[r];
                if (y == ignoreIndex) continue;
                gb[y * s + p] -= a[r] * (1 - smoothing) * rowWeight[r];
            }
        }
    }

    /// <summary>
    /// Probability targets t (same layout as x), smoothed to t' = (1−ε)t + ε/c: loss_r = Σ_k w_k t'_k (lse − z_k).
    /// Writes loss and lse per row.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ForwardProb(ReadOnlySpan<float> x, ReadOnlySpan<float> t, ReadOnlySpan<float> weight,
        int n, int c, int s, float smoothing, Span<float> loss, Span<float> lse)
    {
        Check(x.Length == n * c * s && t.Length == x.Length && loss.Length >= n * s && lse.Length >= n * s);
        var mx = new float[s]; var se = new float[s]; var wt = new float[s]; var wtz = new float[s]; var tmp = new float[s];
        for (int b = 0; b < n; b++)
        {
            var xb = x.Slice(b * c * s, c * s);
            var tb = t.Slice(b * c * s, c * s);
            xb.Slice(0, s).CopyTo(mx);
            for (int k = 1; k < c; k++) TensorPrimitives.Max(mx, xb.Slice(k * s, s), mx);
            se.AsSpan().Clear(); wt.AsSpan().Clear(); wtz.AsSpan().Clear();
            for (int k = 0; k < c; k++)
            {
                var xk = xb.Slice(k * s, s);
                TensorPrimitives.Subtract(xk, mx, tmp);
                TensorPrimitives.Exp(tmp, tmp);
                TensorPrimitives.Add(se, tmp, se);
                // tmp = w_k·t'_k
                float wk = weight.IsEmpty ? 1f : weight[k];
                TensorPrimitives.Multiply(tb.Slice(k * s, s), (1 - smoothing) * wk, tmp);
                TensorPrimitives.Add(tmp, wk * smoothing / c, tmp);
                TensorPrimitives.Add(wt, tmp, wt);
                TensorPrimitives.MultiplyAdd(tmp, xk, wtz, wtz);
            }
            for (int p = 0; p < s; p++)
            {
                float l = mx[p] + MathF.Log(se[p]);
                lse[b * s + p] = l;
                loss[b * s + p] = wt[p] * l - wtz[p];
            }
        }
    }

    /// <summary>
    /// Gradients for probability targets: gx[r,k] = a_r·(p_k·T_r − w_k t'_k) with T_r = Σ_k w_k t'_k, and
    /// gt[r,k] = a_r·(1−ε)·w_k·(lse_r − z_k). Either destination may be empty.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void BackwardProb(ReadOnlySpan<float> x, ReadOnlySpan<float> t, ReadOnlySpan<float> weight,
        int n, int c, int s, float smoothing, ReadOnlySpan<float> lse, ReadOnlySpan<float> a, Span<float> gx, Span<float> gt)
    {
        Check(x.Length == n * c * s && t.Length == x.Length && (gx.IsEmpty || gx.Length == x.Length) && (gt.IsEmpty || gt.Length == x.Length));
        var wt = new float[s]; var tmp = new float[s];
        for (int b = 0; b < n; b++)
        {
            int o = b * c * s;
            var ab = a.Slice(b * s, s);
            var lb = lse.Slice(b * s, s);
            wt.AsSpan().Clear();
            for (int k = 0; k < c; k++)
            {
                float wk = weight.IsEmpty ? 1f : weight[k];
                TensorPrimitives.Multiply(t.Slice(o + k * s, s), (1 - smoothing) * wk, tmp);
                TensorPrimitives.Add(tmp, wk * smoothing / c, tmp);
                TensorPrimitives.Add(wt, tmp, wt);
            }
            for (int k = 0; k < c; k++)
            {
                float wk = weight.IsEmpty ? 1f : weight[k];
                var xk = x.Slice(o + k * s, s);
                if (!gx.IsEmpty)
                {
                    var gk = gx.Slice(o + k * s, s);
                    TensorPrimitives.Subtract(xk, lb, gk);
                    TensorPrimitives.Exp(gk, gk);
                    TensorPrimitives.Multiply(gk, wt, gk);
                    TensorPrimitives.Multiply(t.Slice(o + k * s, s), (1 - smoothing) * wk, tmp);
                TensorPrimitives.Add(tmp, wk * smoothing / c, tmp);
                    TensorPrimitives.Subtract(gk, tmp, gk);
                    TensorPrimitives.Multiply(gk, ab, gk);
                }
                if (!gt.IsEmpty)
                {
                    var tk = gt.Slice(o + k * s, s);
                    TensorPrimitives.Subtract(lb, xk, tk);
                    TensorPrimitives.Multiply(tk, ab, tk);
                    TensorPrimitives.Multiply(tk, (1 - smoothing) * wk, tk);
                }
            }
        }
    }

    /// <summary>Negative log-likelihood of log-probabilities x: loss_r = −w_y·x[r,y] (0 when ignored); writes w_y per row.</summary>
    public static void NllForward(ReadOnlySpan<float> x, ReadOnlySpan<float> target, ReadOnlySpan<float> weight,
        int n, int c, int s, int ignoreIndex, Span<float> loss, Span<float> rowWeight)
    {
        Check(x.Length == n * c * s && target.Length >= n * s && loss.Length >= n * s && rowWeight.Length >= n * s);
        for (int b = 0; b < n; b++)
            for (int p = 0; p < s; p++)
            {
                int r = b * s + p, y = (int)target[r];
                if (y == ignoreIndex) { loss[r] = 0; rowWeight[r] = 0; continue; }
                float wy = weight.IsEmpty ? 1f : weight[y];
                rowWeight[r] = wy;
                loss[r] = -wy * x[(b * c + y) * s + p];
            }
    }

    /// <summary>Gradient of <see cref="NllForward"/>: gx[r,y] = −a_r·w_y, zero elsewhere.</summary>
    public static void NllBackward(ReadOnlySpan<float> target, int n, int c, int s, int ignoreIndex,
        ReadOnlySpan<float> rowWeight, ReadOnlySpan<float> a, Span<float> gx)
    {
        Check(gx.Length == n * c * s && target.Length >= n * s);
        gx.Clear();
        for (int b = 0; b < n; b++)
            for (int p = 0; p < s; p++)
            {
                int r = b * s + p, y = (int)target[r];
                if (y == ignoreIndex) continue;
                gx[(b * c + y) * s + p] = -a[r] * rowWeight[r];
            }
    }

    // TensorPrimitives.Max/Sum cost ~100 ns of set-up on a 10-class row; these plain loops do not.
    static float RowMax(ReadOnlySpan<float> x)
    {
        int i = 0;
        float m = float.NegativeInfinity;
        if (Vector.IsHardwareAccelerated && x.Length >= 2 * Vector<float>.Count)
        {
            var v = new Vector<float>(x);
            for (i = Vector<float>.Count; i <= x.Length - Vector<float>.Count; i += Vector<float>.Count) v = Vector.Max(v, new Vector<float>(x.Slice(i)));
            for (int k = 0; k < Vector<float>.Count; k++) m = MathF.Max(m, v[k]);
        }
        for (; i < x.Length; i++) m = MathF.Max(m, x[i]);   // MathF.Max propagates NaN
        return m;
    }

    static float RowSum(ReadOnlySpan<float> x)
    {
        int i = 0;
        float s = 0;
        if (Vector.IsHardwareAccelerated && x.Length >= 2 * Vector<float>.Count)
        {
            var v = Vector<float>.Zero;
            for (; i <= x.Length - Vector<float>.Count; i += Vector<float>.Count) v += new Vector<float>(x.Slice(i));
            s = Vector.Sum(v);
        }
        for (; i < x.Length; i++) s += x[i];
        return s;
    }

    static void Check(bool ok)
    {
        if (!ok) throw new ArgumentException("CrossEntropyKernel: span lengths do not match the sizes.");
    }
}
