using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Fovea.Kernels;

/// <summary>SIMD span reductions shared by the normalisation kernels (float lanes, returned as double).</summary>
public static class NormMath
{
    /// <summary>Σ x.</summary>
    public static double Sum(ReadOnlySpan<float> x) => TensorPrimitives.Sum(x);

    /// <summary>Σ (x - mean)².</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double SumSqDiff(ReadOnlySpan<float> x, float mean)
    {
        int i = 0;
        double s = 0;
        if (Vector.IsHardwareAccelerated && x.Length >= Vector<float>.Count)
        {
            var vm = new Vector<float>(mean);
            var acc = Vector<float>.Zero;
            var xv = MemoryMarshal.Cast<float, Vector<float>>(x);
            for (int k = 0; k < xv.Length; k++) { var d = xv[k] - vm; acc += d * d; }
            i = xv.Length * Vector<float>.Count;
            s = Vector.Sum(acc);
        }
        for (; i < x.Length; i++) { float d = x[i] - mean; s += d * d; }
        return s;
    }

    /// <summary>Σ g · (x - mean).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double DotDiff(ReadOnlySpan<float> g, ReadOnlySpan<float> x, float mean)
    {
        if (g.Length != x.Length) throw new ArgumentException("NormMath.DotDiff: lengths differ.");
        int i = 0;
        double s = 0;
        if (Vector.IsHardwareAccelerated && x.Length >= Vector<float>.Count)
        {
            var vm = new Vector<float>(mean);
            var acc = Vector<float>.Zero;
            var xv = MemoryMarshal.Cast<float, Vector<float>>(x);
            var gv = MemoryMarshal.Cast<float, Vector<float>>(g);
            for (int k = 0; k < xv.Length; k++) acc += gv[k] * (xv[k] - vm);
            i = xv.Length * Vector<float>.Count;
            s = Vector.Sum(acc);
        }
        for (; i < x.Length; i++) s += g[i] * (x[i] - mean);
        return s;
    }

    /// <summary>dst = x·a + b.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Affine(ReadOnlySpan<float> x, float a, float b, Span<float> dst)
    {
        if (dst.Length < x.Length) throw new ArgumentException("NormMath.Affine: destination too short.");
        int i = 0;
        if (Vector.IsHardwareAccelerated && x.Length >= Vector<float>.Count)
        {
            var va = new Vector<float>(a);
            var vb = new Vector<float>(b);
            var xv = MemoryMarshal.Cast<float, Vector<float>>(x);
            var dv = MemoryMarshal.Cast<float, Vector<float>>(dst);
            for (int k = 0; k < xv.Length; k++) dv[k] = xv[k] * va + vb;
            i = xv.Length * Vector<float>.Count;
        }
        for (; i < x.Length; i++) dst[i] = x[i] * a + b;
    }

    /// <summary>dst = (x - center)·a + b (centering first avoids the cancellation of x·a + (b - center·a)).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Normalize(ReadOnlySpan<float> x, float center, float a, float b, Span<float> dst)
    {
        if (dst.Length < x.Length) throw new ArgumentException("NormMath.Normalize: destination too short.");
        int i = 0;
        if (Vector.IsHardwareAccelerated && x.Length >= Vector<float>.Count)
        {
            var vc = new Vector<float>(center);
            var va = new Vector<float>(a);
            var vb = new Vector<float>(b);
            var xv = MemoryMarshal.Cast<float, Vector<float>>(x);
            var dv = MemoryMarshal.Cast<float, Vector<float>>(dst);
            for (int k = 0; k < xv.Length; k++) dv[k] = (xv[k] - vc) * va + vb;
            i = xv.Length * Vector<float>.Count;
        }
        for (; i < x.Length; i++) dst[i] = (x[i] - center) * a + b;
    }

    /// <summary>(Σ (x - shift), Σ (x - shift)²) in one pass; with a shift near the mean the variance keeps its precision.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static (double sum, double sumSq) ShiftedMoments(ReadOnlySpan<float> x, float shift)
    {
        int i = 0;
        double s = 0, q = 0;
        if (Vector.IsHardwareAccelerated && x.Length >= Vector<float>.Count)
        {
            var vk = new Vector<float>(shift);
            Vector<float> a1 = Vector<float>.Zero, a2 = Vector<float>.Zero;
            var xv = MemoryMarshal.Cast<float, Vector<float>>(x);
            for (int k = 0; k < xv.Length; k++) { var d = xv[k] - vk; a1 += d; a2 += d * d; }
            i = xv.Length * Vector<float>.Count;
            s = Vector.Sum(a1);
            q = Vector.Sum(a2);
        }
        for (; i < x.Length; i++) { float d = x[i] - shift; s += d; q += d * d; }
        return (s, q);
    }

    /// <summary>(Σ g, Σ g · (x - mean)) in one pass.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static (double sum, double dot) SumAndDotDiff(ReadOnlySpan<float> g, ReadOnlySpan<float> x, float mean)
    {
        if (g.Length != x.Length) throw new ArgumentException("NormMath.SumAndDotDiff: lengths differ.");
        int i = 0;
        double s = 0, d = 0;
        if (Vector.IsHardwareAccelerated && x.Length >= Vector<float>.Count)
        {
            var vm = new Vector<float>(mean);
            Vector<float> a1 = Vector<float>.Zero, a2 = Vector<float>.Zero;
            var xv = MemoryMarshal.Cast<float, Vector<float>>(x);
            var gv = MemoryMarshal.Cast<float, Vector<float>>(g);
            for (int k = 0; k < xv.Length; k++) { a1 += gv[k]; a2 += gv[k] * (xv[k] - vm); }
            i = xv.Length * Vector<float>.Count;
            s = Vector.Sum(a1);
            d = Vector.Sum(a2);
        }
        for (; i < x.Length; i++) { s += g[i]; d += g[i] * (x[i] - mean); }
        return (s, d);
    }

    /// <summary>dst = g·a + (x - mean)·b + c (batch norm's input gradient, one pass; dst may be g).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void GradInput(ReadOnlySpan<float> g, ReadOnlySpan<float> x, float mean, float a, float b, float c, Span<float> dst)
    {
        if (g.Length != x.Length || dst.Length < x.Length) throw new ArgumentException("NormMath.GradInput: lengths differ.");
        int i = 0;
        if (Vector.IsHardwareAccelerated && x.Length >= Vector<float>.Count)
        {
            var vm = new Vector<float>(mean);
            var va = new Vector<float>(a);
            var vb = new Vector<float>(b);
            var vc = new Vector<float>(c);
            var xv = MemoryMarshal.Cast<float, Vector<float>>(x);
            var gv = MemoryMarshal.Cast<float, Vector<float>>(g);
            var dv = MemoryMarshal.Cast<float, Vector<float>>(dst);
            for (int k = 0; k < xv.Length; k++) dv[k] = gv[k] * va + ((xv[k] - vm) * vb + vc);
            i = xv.Length * Vector<float>.Count;
        }
        for (; i < x.Length; i++) dst[i] = g[i] * a + ((x[i] - mean) * b + c);
    }
}
