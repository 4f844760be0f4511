using System.Numerics.Tensors;

namespace Fovea.Kernels;

/// <summary>
/// Softmax and log-softmax over the middle axis of a contiguous [outer, n, inner] layout, numerically stable
/// (the maximum is subtracted first), with their backward passes. For inner &gt; 1 the work is vectorised across
/// the inner axis with running row buffers.
/// </summary>
public static class Softmax
{
    /// <summary>dst = softmax(src) (or log-softmax when <paramref name="log"/>) along the middle axis.</summary>
    public static void Forward(ReadOnlySpan<float> src, int outer, int n, int inner, Span<float> dst, bool log)
    {
        if (n == 0 || inner == 0 || outer == 0) return;
        if (inner == 1)
        {
            for (int o = 0; o < outer; o++)
            {
                var x = src.Slice(o * n, n);
                var y = dst.Slice(o * n, n);
                float m = TensorPrimitives.Max(x);
                if (float.IsNegativeInfinity(m)) m = 0;
                TensorPrimitives.Subtract(x, m, y);
                if (log)
                {
                    float s = SumExp(y);      // Σ e^y through a small stack buffer, e^y itself not kept
                    TensorPrimitives.Subtract(y, MathF.Log(s), y);
                }
                else
                {
                    TensorPrimitives.Exp(y, y);
                    TensorPrimitives.Divide(y, TensorPrimitives.Sum(y), y);
                }
            }
            return;
        }
        var mx = new float[inner];
        var sum = new float[inner];
        var tmp = log ? new float[inner] : null;
        for (int o = 0; o < outer; o++)
        {
            var x = src.Slice(o * n * inner, n * inner);
            var y = dst.Slice(o * n * inner, n * inner);
            x.Slice(0, inner).CopyTo(mx);
            for (int k = 1; k < n; k++) TensorPrimitives.Max(mx, x.Slice(k * inner, inner), mx);
            for (int i = 0; i < inner; i++) if (float.IsNegativeInfinity(mx[i])) mx[i] = 0;
            Array.Clear(sum);
            for (int k = 0; k < n; k++)
            {
                var yk = y.Slice(k * inner, inner);
                TensorPrimitives.Subtract(x.Slice(k * inner, inner), mx, yk);
                if (log)
                {
                    TensorPrimitives.Exp(yk, tmp);
                    TensorPrimitives.Add(sum, tmp, sum);
                }
                else
                {
                    TensorPrimitives.Exp(yk, yk);
                    TensorPrimitives.Add(sum, yk, sum);
                }
            }
            if (log)
            {
                TensorPrimitives.Log(sum, sum);
                for (int k = 0; k < n; k++) TensorPrimitives.Subtract(y.Slice(k * inner, inner), sum, y.Slice(k * inner, inner));
            }
            else
            {
                TensorPrimitives.Reciprocal(sum, sum);
                for (int k = 0; k < n; k++) TensorPrimitives.Multiply(y.Slice(k * inner, inner), sum, y.Slice(k * inner, inner));
            }
        }
    }

    static float SumExp(ReadOnlySpan<float> y)
    {
        Span<float> buf = stackalloc float[256];
        float s = 0;
        for (int i = 0; i < y.Length; i += buf.Length)
        {
            var part = y.Slice(i, Math.Min(buf.Length, y.Length - i));
            var b = buf.Slice(0, part.Length);
            TensorPrimitives.Exp(part, b);
            s += TensorPrimitives.Sum(b);
        }
        return s;
    }

    /// <summary>
    /// dx from the output y and upstream g. Softmax: dx = y·(g − Σ g·y). Log-softmax: dx = g − eʸ·Σ g.
    /// </summary>
    public static void Backward(ReadOnlySpan<float> y, ReadOnlySpan<float> g, int outer, int n, int inner, Span<float> dx, bool log)
    {
        if (n == 0 || inner == 0 || outer == 0) return;
        var acc = new float[inner];
        var tmp = new float[inner];
        for (int o = 0; o < outer; o++)
        {
            int b = o * n * inner;
            Array.Clear(acc);
            for (int k = 0; k < n; k++)
            {
                var gk = g.Slice(b + k * inner, inner);
                if (log) TensorPrimitives.Add(acc, gk, acc);
                else
                {
                    TensorPrimitives.Multiply(gk, y.Slice(b + k * inner, inner), tmp);
                    TensorPrimitives.Add(acc, tmp, acc);
                }
            }
            for (int k = 0; k < n; k++)
            {
                var yk = y.Slice(b + k * inner, inner);
                var gk = g.Slice(b + k * inner, inner);
                var dk = dx.Slice(b + k * inner, inner);
                if (log)
                {
                    TensorPrimitives.Exp(yk, tmp);
                    TensorPrimitives.Multiply(tmp, acc, tmp);
                    TensorPrimitives.Subtract(gk, tmp, dk);
                }
                else
                {
                    TensorPrimitives.Subtract(gk, acc, tmp);
                    TensorPrimitives.Multiply(tmp, yk, dk);
                }
            }
        }
    }
}
