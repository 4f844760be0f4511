using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Fovea.Optim;

/// <summary>
/// The in-place update loops of the optimizers, one fused SIMD pass over the parameter and its state each
/// (PyTorch 1.13's single-tensor formulas, in float32), with a scalar tail doing the same arithmetic.
/// </summary>
internal static class UpdateKernels
{
    static int Width => Vector.IsHardwareAccelerated ? Vector<float>.Count : int.MaxValue;

    static Vector<float> Load(Span<float> s, int i) => new(s.Slice(i));
    static Vector<float> Load(ReadOnlySpan<float> s, int i) => new(s.Slice(i));

    /// <summary>
    /// SGD: d = g + wd·p; with momentum b = first ? d : μ·b + (1−τ)·d and d = nesterov ? d + μ·b : b; p −= lr·d.
    /// <paramref name="buf"/> is empty without momentum.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Sgd(Span<float> p, ReadOnlySpan<float> g, Span<float> buf, bool first, float lr, float wd,
        float momentum, float dampening, bool nesterov)
    {
        int n = p.Length, i = 0, w = Width;
        float damp = 1 - dampening, nlr = -lr;
        bool mom = momentum != 0;
        for (; i <= n - w; i += w)
        {
            var pv = Load(p, i);
            var d = Load(g, i);
            if (wd != 0) d += pv * wd;
            if (mom)
            {
                var b = first ? d : Load(buf, i) * momentum + d * damp;
                b.CopyTo(buf.Slice(i));
                d = nesterov ? d + b * momentum : b;
            }
            (pv + d * nlr).CopyTo(p.Slice(i));
        }
        for (; i < n; i++)
        {
            float d = g[i];
            if (wd != 0) d += p[i] * wd;
            if (mom)
            {
                float b = first ? d : buf[i] * momentum + d * damp;
                buf[i] = b;
                d = nesterov ? d + b * momentum : b;
            }
            p[i] += d * nlr;
        }
    }

    /// <summary>
    /// Adam / AdamW: (AdamW: p *= 1 − lr·wd; Adam: g += wd·p); m = β1·m + (1−β1)·g; v = β2·v + (1−β2)·g²;
    /// (amsgrad: vmax = max(vmax, v), used for v); p −= stepSize·m / (√v / √bc2 + eps).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Adam(Span<float> p, ReadOnlySpan<float> g, Span<float> m, Span<float> v, Span<float> vmax,
        float beta1, float beta2, float eps, float wd, bool decoupled, float decay, float stepSize, float bc2Sqrt)
    {
        int n = p.Length, i = 0, w = Width;
        float c1 = 1 - beta1, c2 = 1 - beta2, nstep = -stepSize;
        bool ams = !vmax.IsEmpty, l2 = !decoupled && wd != 0, dec = decoupled && wd != 0;
        for (; i <= n - w; i += w)
        {
            var pv = Load(p, i);
            var gv = Load(g, i);
            if (dec) pv *= decay;
            if (l2) gv += pv * wd;
            var mv = Load(m, i) * beta1 + gv * c1;
            var vv = Load(v, i) * beta2 + gv * gv * c2;
            mv.CopyTo(m.Slice(i));
            vv.CopyTo(v.Slice(i));
            if (ams) { vv = Vector.Max(Load(vmax, i), vv); vv.CopyTo(vmax.Slice(i)); }
            var den = Vector.SquareRoot(vv) / bc2Sqrt + new Vector<float>(eps);
            (pv + mv / den * nstep).CopyTo(p.Slice(i));
        }
        for (; i < n; i++)
        {
            float pv = p[i], gv = g[i];
            if (dec) pv *= decay;
            if (l2) gv += pv * wd;
            float mv = m[i] * beta1 + gv * c1;
            float vv = v[i] * beta2 + gv * gv * c2;
            m[i] = mv; v[i] = vv;
            if (ams) { vv = MathF.Max(vmax[i], vv); vmax[i] = vv; }
            float den = MathF.Sqrt(vv) / bc2Sqrt + eps;
            p[i] = pv + mv / den * nstep;
        }
    }

    /// <summary>
    /// RMSprop: g += wd·p; s = α·s + (1−α)·g²; centered: a = α·a + (1−α)·g, avg = √(s − a²), else avg = √s;
    /// avg += eps; momentum: b = μ·b + g/avg, p −= lr·b; else p −= lr·g/avg. Unused buffers are empty.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void RmsProp(Span<float> p, ReadOnlySpan<float> g, Span<float> sq, Span<float> gAvg, Span<float> buf,
        float lr, float alpha, float eps, float wd, float momentum)
    {
        int n = p.Length, i = 0, w = Width;
        float c = 1 - alpha, nlr = -lr;
        bool centered = !gAvg.IsEmpty, mom = !buf.IsEmpty;
        for (; i <= n - w; i += w)
        {
            var pv = Load(p, i);
            var gv = Load(g, i);
            if (wd != 0) gv += pv * wd;
            var s = Load(sq, i) * alpha + gv * gv * c;
            s.CopyTo(sq.Slice(i));
            Vector<float> avg;
            if (centered)
            {
                var a = Load(gAvg, i) * alpha + gv * c;
                a.CopyTo(gAvg.Slice(i));
                avg = Vector.SquareRoot(s - a * a);
            }
            else avg = Vector.SquareRoot(s);
            avg += new Vector<float>(eps);
            if (mom)
            {
                var b = Load(buf, i) * momentum + gv / avg;
                b.CopyTo(buf.Slice(i));
                (pv + b * nlr).CopyTo(p.Slice(i));
            }
            else (pv + gv / avg * nlr).CopyTo(p.Slice(i));
        }
        for (; i < n; i++)
        {
            float pv = p[i], gv = g[i];
            if (wd != 0) gv += pv * wd;
            float s = sq[i] * alpha + gv * gv * c;
            sq[i] = s;
            float avg;
            if (centered)
            {
                float a = gAvg[i] * alpha + gv * c;
                gAvg[i] = a;
                avg = MathF.Sqrt(s - a * a);
            }
            else avg = MathF.Sqrt(s);
            avg += eps;
            if (mom)
            {
                float b = buf[i] * momentum + gv / avg;
                buf[i] = b;
                p[i] = pv + b * nlr;
            }
            else p[i] = pv + gv / avg * nlr;
        }
    }
}
