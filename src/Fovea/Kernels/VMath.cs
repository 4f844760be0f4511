using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Fovea.Kernels;

/// <summary>
/// Vectorised transcendental helpers the BCL lacks (erf, erfc, tanh, sigmoid, log1p) at every SIMD width, plus
/// matching scalar forms. erf/erfc use polynomial fits made for this file (relative error about 2e-6 in float):
/// erf(z) = z·P(z²) for |z| &lt; 1 and erfc(z) = e^(−z²)·Q(1/(1 + z/2)) for z ≥ 1.
/// </summary>
public static class VMath
{
    /// <summary>erfc(z) in float, accurate in relative terms on both tails.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Erfc(float z)
    {
        float a = MathF.Abs(z);
        if (a < 1f) return 1f - z * (((((-5.667938491e-04f * (z * z) + 4.927407751e-03f) * (z * z) + -2.672088501e-02f) * (z * z) + 1.128057865e-01f) * (z * z) + -3.761239066e-01f) * (z * z) + 1.128379147e+00f);
        float t = 1f / (1f + 0.5f * a);
        float r = MathF.Exp(-a * a) * ((((((((8.426612501e-02f * t + -1.959009249e-01f) * t + 3.992561238e-02f) * t + 9.406024453e-02f) * t + 1.632251490e-01f) * t + 2.514932566e-01f) * t + 2.812438525e-01f) * t + 2.821754370e-01f) * t + -3.144455783e-06f);
        return z > 0 ? r : 2f - r;
    }

    /// <summary>erf(z) in float.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Erf(float z)
    {
        float a = MathF.Abs(z);
        if (a < 1f) return z * (((((-5.667938491e-04f * (z * z) + 4.927407751e-03f) * (z * z) + -2.672088501e-02f) * (z * z) + 1.128057865e-01f) * (z * z) + -3.761239066e-01f) * (z * z) + 1.128379147e+00f);
        return z > 0 ? 1f - Erfc(a) : Erfc(a) - 1f;
    }

    /// <summary>tanh via e^(2u): 1 − 2/(e^(2u) + 1) (saturates cleanly at ±1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Tanh(float u) => 1f - 2f / (MathF.Exp(2f * u) + 1f);

    /// <summary>1/(1 + e^(−x)).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sigmoid(float x) => 1f / (1f + MathF.Exp(-x));

    /// <summary>ln(1 + t) for t ≥ 0, exact for tiny t (u = 1 + t; ln u · t/(u − 1)).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Log1p(float t)
    {
        float u = 1f + t;
        return u == 1f ? t : MathF.Log(u) * t / (u - 1f);
    }

    public static Vector128<float> Erfc(Vector128<float> z)
    {
        var one = Vector128<float>.One;
        var a = Vector128.Abs(z);
        var small = one - z * (((((Vector128.Create(-5.667938491e-04f) * (z * z) + Vector128.Create(4.927407751e-03f)) * (z * z) + Vector128.Create(-2.672088501e-02f)) * (z * z) + Vector128.Create(1.128057865e-01f)) * (z * z) + Vector128.Create(-3.761239066e-01f)) * (z * z) + Vector128.Create(1.128379147e+00f));
        var t = one / (one + Vector128.Create(0.5f) * a);
        var r = Vector128.Exp(-(a * a)) * ((((((((Vector128.Create(8.426612501e-02f) * t + Vector128.Create(-1.959009249e-01f)) * t + Vector128.Create(3.992561238e-02f)) * t + Vector128.Create(9.406024453e-02f)) * t + Vector128.Create(1.632251490e-01f)) * t + Vector128.Create(2.514932566e-01f)) * t + Vector128.Create(2.812438525e-01f)) * t + Vector128.Create(2.821754370e-01f)) * t + Vector128.Create(-3.144455783e-06f));
        var big = Vector128.ConditionalSelect(Vector128.GreaterThan(z, Vector128<float>.Zero), r, Vector128.Create(2f) - r);
        return Vector128.ConditionalSelect(Vector128.LessThan(a, one), small, big);
    }

    public static Vector128<float> Erf(Vector128<float> z)
    {
        var one = Vector128<float>.One;
        var a = Vector128.Abs(z);
        var small = z * (((((Vector128.Create(-5.667938491e-04f) * (z * z) + Vector128.Create(4.927407751e-03f)) * (z * z) + Vector128.Create(-2.672088501e-02f)) * (z * z) + Vector128.Create(1.128057865e-01f)) * (z * z) + Vector128.Create(-3.761239066e-01f)) * (z * z) + Vector128.Create(1.128379147e+00f));
        var t = one / (one + Vector128.Create(0.5f) * a);
        var r = Vector128.Exp(-(a * a)) * ((((((((Vector128.Create(8.426612501e-02f) * t + Vector128.Create(-1.959009249e-01f)) * t + Vector128.Create(3.992561238e-02f)) * t + Vector128.Create(9.406024453e-02f)) * t + Vector128.Create(1.632251490e-01f)) * t + Vector128.Create(2.514932566e-01f)) * t + Vector128.Create(2.812438525e-01f)) * t + Vector128.Create(2.821754370e-01f)) * t + Vector128.Create(-3.144455783e-06f));
        var big = Vector128.ConditionalSelect(Vector128.GreaterThan(z, Vector128<float>.Zero), one - r, r - one);
        return Vector128.ConditionalSelect(Vector128.LessThan(a, one), small, big);
    }

    public static Vector128<float> Tanh(Vector128<float> u) => Vector128<float>.One - Vector128.Create(2f) / (Vector128.Exp(u + u) + Vector128<float>.One);

    public static Vector128<float> Sigmoid(Vector128<float> x) => Vector128<float>.One / (Vector128<float>.One + Vector128.Exp(-x));

    public static Vector128<float> Log1p(Vector128<float> t)
    {
        var u = Vector128<float>.One + t;
        return Vector128.ConditionalSelect(Vector128.Equals(u, Vector128<float>.One), t, Vector128.Log(u) * t / (u - Vector128<float>.One));
    }

    public static Vector256<float> Erfc(Vector256<float> z)
    {
        var one = Vector256<float>.One;
        var a = Vector256.Abs(z);
        var small = one - z * (((((Vector256.Create(-5.667938491e-04f) * (z * z) + Vector256.Create(4.927407751e-03f)) * (z * z) + Vector256.Create(-2.672088501e-02f)) * (z * z) + Vector256.Create(1.128057865e-01f)) * (z * z) + Vector256.Create(-3.761239066e-01f)) * (z * z) + Vector256.Create(1.128379147e+00f));
        var t = one / (one + Vector256.Create(0.5f) * a);
        var r = Vector256.Exp(-(a * a)) * ((((((((Vector256.Create(8.426612501e-02f) * t + Vector256.Create(-1.959009249e-01f)) * t + Vector256.Create(3.992561238e-02f)) * t + Vector256.Create(9.406024453e-02f)) * t + Vector256.Create(1.632251490e-01f)) * t + Vector256.Create(2.514932566e-01f)) * t + Vector256.Create(2.812438525e-01f)) * t + Vector256.Create(2.821754370e-01f)) * t + Vector256.Create(-3.144455783e-06f));
        var big = Vector256.ConditionalSelect(Vector256.GreaterThan(z, Vector256<float>.Zero), r, Vector256.Create(2f) - r);
        return Vector256.ConditionalSelect(Vector256.LessThan(a, one), small, big);
    }

    public static Vector256<float> Erf(Vector256<float> z)
    {
        var one = Vector256<float>.One;
        var a = Vector256.Abs(z);
        var small = z * (((((Vector256.Create(-5.667938491e-04f) * (z * z) + Vector256.Create(4.927407751e-03f)) * (z * z) + Vector256.Create(-2.672088501e-02f)) * (z * z) + Vector256.Create(1.128057865e-01f)) * (z * z) + Vector256.Create(-3.761239066e-01f)) * (z * z) + Vector256.Create(1.128379147e+00f));
        var t = one / (one + Vector256.Create(0.5f) * a);
        var r = Vector256.Exp(-(a * a)) * ((((((((Vector256.Create(8.426612501e-02f) * t + Vector256.Create(-1.959009249e-01f)) * t + Vector256.Create(3.992561238e-02f)) * t + Vector256.Create(9.406024453e-02f)) * t + Vector256.Create(1.632251490e-01f)) * t + Vector256.Create(2.514932566e-01f)) * t + Vector256.Create(2.812438525e-01f)) * t + Vector256.Create(2.821754370e-01f)) * t + Vector256.Create(-3.144455783e-06f));
        var big = Vector256.ConditionalSelect(Vector256.GreaterThan(z, Vector256<float>.Zero), one - r, r - one);
        return Vector256.ConditionalSelect(Vector256.LessThan(a, one), small, big);
    }

    public static Vector256<float> Tanh(Vector256<float> u) => Vector256<float>.One - Vector256.Create(2f) / (Vector256.Exp(u + u) + Vector256<float>.One);

    public static Vector256<float> Sigmoid(Vector256<float> x) => Vector256<float>.One / (Vector256<float>.One + Vector256.Exp(-x));

    public static Vector256<float> Log1p(Vector256<float> t)
    {
        var u = Vector256<float>.One + t;
        return Vector256.ConditionalSelect(Vector256.Equals(u, Vector256<float>.One), t, Vector256.Log(u) * t / (u - Vector256<float>.One));
    }

    public static Vector512<float> Erfc(Vector512<float> z)
    {
        var one = Vector512<float>.One;
        var a = Vector512.Abs(z);
        var small = one - z * (((((Vector512.Create(-5.667938491e-04f) * (z * z) + Vector512.Create(4.927407751e-03f)) * (z * z) + Vector512.Create(-2.672088501e-02f)) * (z * z) + Vector512.Create(1.128057865e-01f)) * (z * z) + Vector512.Create(-3.761239066e-01f)) * (z * z) + Vector512.Create(1.128379147e+00f));
        var t = one / (one + Vector512.Create(0.5f) * a);
        var r = Vector512.Exp(-(a * a)) * ((((((((Vector512.Create(8.426612501e-02f) * t + Vector512.Create(-1.959009249e-01f)) * t + Vector512.Create(3.992561238e-02f)) * t + Vector512.Create(9.406024453e-02f)) * t + Vector512.Create(1.632251490e-01f)) * t + Vector512.Create(2.514932566e-01f)) * t + Vector512.Create(2.812438525e-01f)) * t + Vector512.Create(2.821754370e-01f)) * t + Vector512.Create(-3.144455783e-06f));
        var big = Vector512.ConditionalSelect(Vector512.GreaterThan(z, Vector512<float>.Zero), r, Vector512.Create(2f) - r);
        return Vector512.ConditionalSelect(Vector512.LessThan(a, one), small, big);
    }

    public static Vector512<float> Erf(Vector512<float> z)
    {
        var one = Vector512<float>.One;
        var a = Vector512.Abs(z);
        var small = z * (((((Vector512.Create(-5.667938491e-04f) * (z * z) + Vector512.Create(4.927407751e-03f)) * (z * z) + Vector512.Create(-2.672088501e-02f)) * (z * z) + Vector512.Create(1.128057865e-01f)) * (z * z) + Vector512.Create(-3.761239066e-01f)) * (z * z) + Vector512.Create(1.128379147e+00f));
        var t = one / (one + Vector512.Create(0.5f) * a);
        var r = Vector512.Exp(-(a * a)) * ((((((((Vector512.Create(8.426612501e-02f) * t + Vector512.Create(-1.959009249e-01f)) * t + Vector512.Create(3.992561238e-02f)) * t + Vector512.Create(9.406024453e-02f)) * t + Vector512.Create(1.632251490e-01f)) * t + Vector512.Create(2.514932566e-01f)) * t + Vector512.Create(2.812438525e-01f)) * t + Vector512.Create(2.821754370e-01f)) * t + Vector512.Create(-3.144455783e-06f));
        var big = Vector512.ConditionalSelect(Vector512.GreaterThan(z, Vector512<float>.Zero), one - r, r - one);
        return Vector512.ConditionalSelect(Vector512.LessThan(a, one), small, big);
    }

    public static Vector512<float> Tanh(Vector512<float> u) => Vector512<float>.One - Vector512.Create(2f) / (Vector512.Exp(u + u) + Vector512<float>.One);

    public static Vector512<float> Sigmoid(Vector512<float> x) => Vector512<float>.One / (Vector512<float>.One + Vector512.Exp(-x));

    public static Vector512<float> Log1p(Vector512<float> t)
    {
        var u = Vector512<float>.One + t;
        return Vector512.ConditionalSelect(Vector512.Equals(u, Vector512<float>.One), t, Vector512.Log(u) * t / (u - Vector512<float>.One));
    }
}
