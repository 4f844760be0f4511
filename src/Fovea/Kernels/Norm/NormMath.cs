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
}
