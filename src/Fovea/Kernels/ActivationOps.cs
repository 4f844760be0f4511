using System.Runtime.Intrinsics;

namespace Fovea.Kernels;

// Activation maps with their backward maps (a = x, b = upstream gradient), at every SIMD width. Parameters live in
// the struct; the drivers in ParamMap.cs take the struct by value, so the JIT specialises and inlines each one.

/// <summary>min(max(x, lo), hi); backward passes g where lo &lt; x &lt; hi (strict, as PyTorch).</summary>
public readonly struct HardtanhFn(float lo, float hi) : IUnaryFn
{
    public float Invoke(float x) => Math.Min(Math.Max(x, lo), hi);
    public Vector128<float> Invoke(Vector128<float> x) => Vector128.Min(Vector128.Max(x, Vector128.Create(lo)), Vector128.Create(hi));
    public Vector256<float> Invoke(Vector256<float> x) => Vector256.Min(Vector256.Max(x, Vector256.Create(lo)), Vector256.Create(hi));
    public Vector512<float> Invoke(Vector512<float> x) => Vector512.Min(Vector512.Max(x, Vector512.Create(lo)), Vector512.Create(hi));
}

/// <summary>The backward of Hardtanh: g · d/dx.</summary>
public readonly struct HardtanhGradFn(float lo, float hi) : IBinaryFn
{
    public float Invoke(float x, float g) => x > lo && x < hi ? g : 0f;
    public Vector128<float> Invoke(Vector128<float> x, Vector128<float> g) => Vector128.ConditionalSelect(Vector128.GreaterThan(x, Vector128.Create(lo)) & Vector128.LessThan(x, Vector128.Create(hi)), g, Vector128<float>.Zero);
    public Vector256<float> Invoke(Vector256<float> x, Vector256<float> g) => Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256.Create(lo)) & Vector256.LessThan(x, Vector256.Create(hi)), g, Vector256<float>.Zero);
    public Vector512<float> Invoke(Vector512<float> x, Vector512<float> g) => Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512.Create(lo)) & Vector512.LessThan(x, Vector512.Create(hi)), g, Vector512<float>.Zero);
}

/// <summary>x for x &gt; 0, slope·x otherwise.</summary>
public readonly struct LeakyReluFn(float slope) : IUnaryFn
{
    public float Invoke(float x) => x > 0 ? x : x * slope;
    public Vector128<float> Invoke(Vector128<float> x) => Vector128.ConditionalSelect(Vector128.GreaterThan(x, Vector128<float>.Zero), x, x * Vector128.Create(slope));
    public Vector256<float> Invoke(Vector256<float> x) => Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256<float>.Zero), x, x * Vector256.Create(slope));
    public Vector512<float> Invoke(Vector512<float> x) => Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512<float>.Zero), x, x * Vector512.Create(slope));
}

/// <summary>The backward of LeakyRelu: g · d/dx.</summary>
public readonly struct LeakyReluGradFn(float slope) : IBinaryFn
{
    public float Invoke(float x, float g) => x > 0 ? g : g * slope;
    public Vector128<float> Invoke(Vector128<float> x, Vector128<float> g) => Vector128.ConditionalSelect(Vector128.GreaterThan(x, Vector128<float>.Zero), g, g * Vector128.Create(slope));
    public Vector256<float> Invoke(Vector256<float> x, Vector256<float> g) => Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256<float>.Zero), g, g * Vector256.Create(slope));
    public Vector512<float> Invoke(Vector512<float> x, Vector512<float> g) => Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512<float>.Zero), g, g * Vector512.Create(slope));
}

/// <summary>scale·(x for x &gt; 0, alpha·(eˣ − 1) otherwise); SELU is scale 1.0507, alpha 1.6733.</summary>
public readonly struct EluFn(float alpha, float scale) : IUnaryFn
{
    public float Invoke(float x) => scale * (x > 0 ? x : alpha * (MathF.Exp(x) - 1f));
    public Vector128<float> Invoke(Vector128<float> x) => Vector128.Create(scale) * Vector128.ConditionalSelect(Vector128.GreaterThan(x, Vector128<float>.Zero), x, Vector128.Create(alpha) * (Vector128.Exp(x) - Vector128<float>.One));
    public Vector256<float> Invoke(Vector256<float> x) => Vector256.Create(scale) * Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256<float>.Zero), x, Vector256.Create(alpha) * (Vector256.Exp(x) - Vector256<float>.One));
    public Vector512<float> Invoke(Vector512<float> x) => Vector512.Create(scale) * Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512<float>.Zero), x, Vector512.Create(alpha) * (Vector512.Exp(x) - Vector512<float>.One));
}

/// <summary>The backward of Elu: g · d/dx.</summary>
public readonly struct EluGradFn(float alpha, float scale) : IBinaryFn
{
    public float Invoke(float x, float g) => scale * (x > 0 ? g : g * alpha * MathF.Exp(x));
    public Vector128<float> Invoke(Vector128<float> x, Vector128<float> g) => Vector128.Create(scale) * Vector128.ConditionalSelect(Vector128.GreaterThan(x, Vector128<float>.Zero), g, g * Vector128.Create(alpha) * Vector128.Exp(x));
    public Vector256<float> Invoke(Vector256<float> x, Vector256<float> g) => Vector256.Create(scale) * Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256<float>.Zero), g, g * Vector256.Create(alpha) * Vector256.Exp(x));
    public Vector512<float> Invoke(Vector512<float> x, Vector512<float> g) => Vector512.Create(scale) * Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512<float>.Zero), g, g * Vector512.Create(alpha) * Vector512.Exp(x));
}

/// <summary>x·Φ(x) = ½x·erfc(−x/√2); d/dx = Φ(x) + x·φ(x).</summary>
public readonly struct GeluErfFn : IUnaryFn
{
    public float Invoke(float x) => 0.5f * x * VMath.Erfc(-x * 0.70710678118654752f);
    public Vector128<float> Invoke(Vector128<float> x) => Vector128.Create(0.5f) * x * VMath.Erfc(-x * Vector128.Create(0.70710678118654752f));
    public Vector256<float> Invoke(Vector256<float> x) => Vector256.Create(0.5f) * x * VMath.Erfc(-x * Vector256.Create(0.70710678118654752f));
    public Vector512<float> Invoke(Vector512<float> x) => Vector512.Create(0.5f) * x * VMath.Erfc(-x * Vector512.Create(0.70710678118654752f));
}

/// <summary>The backward of GeluErf: g · d/dx.</summary>
public readonly struct GeluErfGradFn : IBinaryFn
{
    public float Invoke(float x, float g) => g * (0.5f * VMath.Erfc(-x * 0.70710678118654752f) + x * 0.39894228040143268f * MathF.Exp(-0.5f * x * x));
    public Vector128<float> Invoke(Vector128<float> x, Vector128<float> g) => g * (Vector128.Create(0.5f) * VMath.Erfc(-x * Vector128.Create(0.70710678118654752f)) + x * Vector128.Create(0.39894228040143268f) * Vector128.Exp(Vector128.Create(-0.5f) * x * x));
    public Vector256<float> Invoke(Vector256<float> x, Vector256<float> g) => g * (Vector256.Create(0.5f) * VMath.Erfc(-x * Vector256.Create(0.70710678118654752f)) + x * Vector256.Create(0.39894228040143268f) * Vector256.Exp(Vector256.Create(-0.5f) * x * x));
    public Vector512<float> Invoke(Vector512<float> x, Vector512<float> g) => g * (Vector512.Create(0.5f) * VMath.Erfc(-x * Vector512.Create(0.70710678118654752f)) + x * Vector512.Create(0.39894228040143268f) * Vector512.Exp(Vector512.Create(-0.5f) * x * x));
}

/// <summary>½x·(1 + tanh(√(2/π)(x + 0.044715x³))), PyTorch's approximate='tanh'.</summary>
public readonly struct GeluTanhFn : IUnaryFn
{
    public float Invoke(float x) => 0.5f * x * (1f + VMath.Tanh(0.79788456080286536f * (x + 0.044715f * x * x * x)));
    public Vector128<float> Invoke(Vector128<float> x) => Vector128.Create(0.5f) * x * (Vector128<float>.One + VMath.Tanh(Vector128.Create(0.79788456080286536f) * (x + Vector128.Create(0.044715f) * x * x * x)));
    public Vector256<float> Invoke(Vector256<float> x) => Vector256.Create(0.5f) * x * (Vector256<float>.One + VMath.Tanh(Vector256.Create(0.79788456080286536f) * (x + Vector256.Create(0.044715f) * x * x * x)));
    public Vector512<float> Invoke(Vector512<float> x) => Vector512.Create(0.5f) * x * (Vector512<float>.One + VMath.Tanh(Vector512.Create(0.79788456080286536f) * (x + Vector512.Create(0.044715f) * x * x * x)));
}

/// <summary>The backward of GeluTanh: g · d/dx.</summary>
public readonly struct GeluTanhGradFn : IBinaryFn
{
    public float Invoke(float x, float g) => GradS(x, g);
    public Vector128<float> Invoke(Vector128<float> x, Vector128<float> g) => GradV(x, g);
    public Vector256<float> Invoke(Vector256<float> x, Vector256<float> g) => GradV(x, g);
    public Vector512<float> Invoke(Vector512<float> x, Vector512<float> g) => GradV(x, g);

    static float GradS(float x, float g)
    {
        float t = VMath.Tanh(0.79788456080286536f * (x + 0.044715f * x * x * x));
        return g * (0.5f * (1f + t) + 0.5f * x * (1f - t * t) * 0.79788456080286536f * (1f + 3f * 0.044715f * x * x));
    }

    static Vector128<float> GradV(Vector128<float> x, Vector128<float> g)
    {
        var one = Vector128<float>.One;
        var t = VMath.Tanh(Vector128.Create(0.79788456080286536f) * (x + Vector128.Create(0.044715f) * x * x * x));
        return g * (Vector128.Create(0.5f) * (one + t) + Vector128.Create(0.5f) * x * (one - t * t) * Vector128.Create(0.79788456080286536f) * (one + Vector128.Create(3f * 0.044715f) * x * x));
    }

    static Vector256<float> GradV(Vector256<float> x, Vector256<float> g)
    {
        var one = Vector256<float>.One;
        var t = VMath.Tanh(Vector256.Create(0.79788456080286536f) * (x + Vector256.Create(0.044715f) * x * x * x));
        return g * (Vector256.Create(0.5f) * (one + t) + Vector256.Create(0.5f) * x * (one - t * t) * Vector256.Create(0.79788456080286536f) * (one + Vector256.Create(3f * 0.044715f) * x * x));
    }

    static Vector512<float> GradV(Vector512<float> x, Vector512<float> g)
    {
        var one = Vector512<float>.One;
        var t = VMath.Tanh(Vector512.Create(0.79788456080286536f) * (x + Vector512.Create(0.044715f) * x * x * x));
        return g * (Vector512.Create(0.5f) * (one + t) + Vector512.Create(0.5f) * x * (one - t * t) * Vector512.Create(0.79788456080286536f) * (one + Vector512.Create(3f * 0.044715f) * x * x));
    }
}

/// <summary>x·σ(x); d/dx = σ(x)(1 + x(1 − σ(x))).</summary>
public readonly struct SiluFn : IUnaryFn
{
    public float Invoke(float x) => x * VMath.Sigmoid(x);
    public Vector128<float> Invoke(Vector128<float> x) => x * VMath.Sigmoid(x);
    public Vector256<float> Invoke(Vector256<float> x) => x * VMath.Sigmoid(x);
    public Vector512<float> Invoke(Vector512<float> x) => x * VMath.Sigmoid(x);
}

/// <summary>The backward of Silu: g · d/dx.</summary>
public readonly struct SiluGradFn : IBinaryFn
{
    public float Invoke(float x, float g) => GradS(x, g);
    public Vector128<float> Invoke(Vector128<float> x, Vector128<float> g) => GradV(x, g);
    public Vector256<float> Invoke(Vector256<float> x, Vector256<float> g) => GradV(x, g);
    public Vector512<float> Invoke(Vector512<float> x, Vector512<float> g) => GradV(x, g);

    static float GradS(float x, float g)
    {
        float s = VMath.Sigmoid(x);
        return g * s * (1f + x * (1f - s));
    }

    static Vector128<float> GradV(Vector128<float> x, Vector128<float> g)
    {
        var s = VMath.Sigmoid(x);
        return g * s * (Vector128<float>.One + x * (Vector128<float>.One - s));
    }

    static Vector256<float> GradV(Vector256<float> x, Vector256<float> g)
    {
        var s = VMath.Sigmoid(x);
        return g * s * (Vector256<float>.One + x * (Vector256<float>.One - s));
    }

    static Vector512<float> GradV(Vector512<float> x, Vector512<float> g)
    {
        var s = VMath.Sigmoid(x);
        return g * s * (Vector512<float>.One + x * (Vector512<float>.One - s));
    }
}

/// <summary>x·relu6(x + 3)/6; d/dx = 0 below −3, x/3 + ½ up to 3, 1 above (as PyTorch).</summary>
public readonly struct HardswishFn : IUnaryFn
{
    public float Invoke(float x) => x * Math.Min(Math.Max(x + 3f, 0f), 6f) / 6f;
    public Vector128<float> Invoke(Vector128<float> x) => x * Vector128.Min(Vector128.Max(x + Vector128.Create(3f), Vector128<float>.Zero), Vector128.Create(6f)) * Vector128.Create(1f / 6f);
    public Vector256<float> Invoke(Vector256<float> x) => x * Vector256.Min(Vector256.Max(x + Vector256.Create(3f), Vector256<float>.Zero), Vector256.Create(6f)) * Vector256.Create(1f / 6f);
    public Vector512<float> Invoke(Vector512<float> x) => x * Vector512.Min(Vector512.Max(x + Vector512.Create(3f), Vector512<float>.Zero), Vector512.Create(6f)) * Vector512.Create(1f / 6f);
}

/// <summary>The backward of Hardswish: g · d/dx.</summary>
public readonly struct HardswishGradFn : IBinaryFn
{
    public float Invoke(float x, float g) => x < -3f ? 0f : x <= 3f ? g * (x / 3f + 0.5f) : g;
    public Vector128<float> Invoke(Vector128<float> x, Vector128<float> g) => Vector128.ConditionalSelect(Vector128.LessThan(x, Vector128.Create(-3f)), Vector128<float>.Zero, Vector128.ConditionalSelect(Vector128.LessThanOrEqual(x, Vector128.Create(3f)), g * (x * Vector128.Create(1f / 3f) + Vector128.Create(0.5f)), g));
    public Vector256<float> Invoke(Vector256<float> x, Vector256<float> g) => Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256.Create(-3f)), Vector256<float>.Zero, Vector256.ConditionalSelect(Vector256.LessThanOrEqual(x, Vector256.Create(3f)), g * (x * Vector256.Create(1f / 3f) + Vector256.Create(0.5f)), g));
    public Vector512<float> Invoke(Vector512<float> x, Vector512<float> g) => Vector512.ConditionalSelect(Vector512.LessThan(x, Vector512.Create(-3f)), Vector512<float>.Zero, Vector512.ConditionalSelect(Vector512.LessThanOrEqual(x, Vector512.Create(3f)), g * (x * Vector512.Create(1f / 3f) + Vector512.Create(0.5f)), g));
}

/// <summary>relu6(x + 3)/6; d/dx = 1/6 on (−3, 3), else 0.</summary>
public readonly struct HardsigmoidFn : IUnaryFn
{
    public float Invoke(float x) => Math.Min(Math.Max(x + 3f, 0f), 6f) / 6f;
    public Vector128<float> Invoke(Vector128<float> x) => Vector128.Min(Vector128.Max(x + Vector128.Create(3f), Vector128<float>.Zero), Vector128.Create(6f)) * Vector128.Create(1f / 6f);
    public Vector256<float> Invoke(Vector256<float> x) => Vector256.Min(Vector256.Max(x + Vector256.Create(3f), Vector256<float>.Zero), Vector256.Create(6f)) * Vector256.Create(1f / 6f);
    public Vector512<float> Invoke(Vector512<float> x) => Vector512.Min(Vector512.Max(x + Vector512.Create(3f), Vector512<float>.Zero), Vector512.Create(6f)) * Vector512.Create(1f / 6f);
}

/// <summary>The backward of Hardsigmoid: g · d/dx.</summary>
public readonly struct HardsigmoidGradFn : IBinaryFn
{
    public float Invoke(float x, float g) => x > -3f && x < 3f ? g / 6f : 0f;
    public Vector128<float> Invoke(Vector128<float> x, Vector128<float> g) => Vector128.ConditionalSelect(Vector128.GreaterThan(x, Vector128.Create(-3f)) & Vector128.LessThan(x, Vector128.Create(3f)), g * Vector128.Create(1f / 6f), Vector128<float>.Zero);
    public Vector256<float> Invoke(Vector256<float> x, Vector256<float> g) => Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256.Create(-3f)) & Vector256.LessThan(x, Vector256.Create(3f)), g * Vector256.Create(1f / 6f), Vector256<float>.Zero);
    public Vector512<float> Invoke(Vector512<float> x, Vector512<float> g) => Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512.Create(-3f)) & Vector512.LessThan(x, Vector512.Create(3f)), g * Vector512.Create(1f / 6f), Vector512<float>.Zero);
}

/// <summary>ln(1 + e^(βx))/β, and x itself where βx &gt; threshold; d/dx = σ(βx).</summary>
public readonly struct SoftplusFn(float beta, float threshold) : IUnaryFn
{
    public float Invoke(float x) => beta * x > threshold ? x : (Math.Max(beta * x, 0f) + VMath.Log1p(MathF.Exp(-MathF.Abs(beta * x)))) / beta;
    public Vector128<float> Invoke(Vector128<float> x) => Vector128.ConditionalSelect(Vector128.GreaterThan(Vector128.Create(beta) * x, Vector128.Create(threshold)), x, (Vector128.Max(Vector128.Create(beta) * x, Vector128<float>.Zero) + VMath.Log1p(Vector128.Exp(-Vector128.Abs(Vector128.Create(beta) * x)))) / Vector128.Create(beta));
    public Vector256<float> Invoke(Vector256<float> x) => Vector256.ConditionalSelect(Vector256.GreaterThan(Vector256.Create(beta) * x, Vector256.Create(threshold)), x, (Vector256.Max(Vector256.Create(beta) * x, Vector256<float>.Zero) + VMath.Log1p(Vector256.Exp(-Vector256.Abs(Vector256.Create(beta) * x)))) / Vector256.Create(beta));
    public Vector512<float> Invoke(Vector512<float> x) => Vector512.ConditionalSelect(Vector512.GreaterThan(Vector512.Create(beta) * x, Vector512.Create(threshold)), x, (Vector512.Max(Vector512.Create(beta) * x, Vector512<float>.Zero) + VMath.Log1p(Vector512.Exp(-Vector512.Abs(Vector512.Create(beta) * x)))) / Vector512.Create(beta));
}

/// <summary>The backward of Softplus: g · d/dx.</summary>
public readonly struct SoftplusGradFn(float beta, float threshold) : IBinaryFn
{
    public float Invoke(float x, float g) => beta * x > threshold ? g : g * VMath.Sigmoid(beta * x);
    public Vector128<float> Invoke(Vector128<float> x, Vector128<float> g) => Vector128.ConditionalSelect(Vector128.GreaterThan(Vector128.Create(beta) * x, Vector128.Create(threshold)), g, g * VMath.Sigmoid(Vector128.Create(beta) * x));
    public Vector256<float> Invoke(Vector256<float> x, Vector256<float> g) => Vector256.ConditionalSelect(Vector256.GreaterThan(Vector256.Create(beta) * x, Vector256.Create(threshold)), g, g * VMath.Sigmoid(Vector256.Create(beta) * x));
    public Vector512<float> Invoke(Vector512<float> x, Vector512<float> g) => Vector512.ConditionalSelect(Vector512.GreaterThan(Vector512.Create(beta) * x, Vector512.Create(threshold)), g, g * VMath.Sigmoid(Vector512.Create(beta) * x));
}

/// <summary>x·tanh(softplus(x)), with tanh(ln(1 + e)) = n/(n + 2), n = e(e + 2), e = eˣ (x capped at 20).</summary>
public readonly struct MishFn : IUnaryFn
{
    public float Invoke(float x) => x * TanhSoftplus(x);
    public Vector128<float> Invoke(Vector128<float> x) => x * TanhSoftplus(x);
    public Vector256<float> Invoke(Vector256<float> x) => x * TanhSoftplus(x);
    public Vector512<float> Invoke(Vector512<float> x) => x * TanhSoftplus(x);

    internal static float TanhSoftplus(float x)
    {
        float e = MathF.Exp(Math.Min(x, 20f));
        float n = e * (e + 2f);
        return n / (n + 2f);
    }

    internal static Vector128<float> TanhSoftplus(Vector128<float> x)
    {
        var e = Vector128.Exp(Vector128.Min(x, Vector128.Create(20f)));
        var n = e * (e + Vector128.Create(2f));
        return n / (n + Vector128.Create(2f));
    }

    internal static Vector256<float> TanhSoftplus(Vector256<float> x)
    {
        var e = Vector256.Exp(Vector256.Min(x, Vector256.Create(20f)));
        var n = e * (e + Vector256.Create(2f));
        return n / (n + Vector256.Create(2f));
    }

    internal static Vector512<float> TanhSoftplus(Vector512<float> x)
    {
        var e = Vector512.Exp(Vector512.Min(x, Vector512.Create(20f)));
        var n = e * (e + Vector512.Create(2f));
        return n / (n + Vector512.Create(2f));
    }
}

/// <summary>The backward of Mish: g · d/dx.</summary>
public readonly struct MishGradFn : IBinaryFn
{
    public float Invoke(float x, float g) => GradS(x, g);
    public Vector128<float> Invoke(Vector128<float> x, Vector128<float> g) => GradV(x, g);
    public Vector256<float> Invoke(Vector256<float> x, Vector256<float> g) => GradV(x, g);
    public Vector512<float> Invoke(Vector512<float> x, Vector512<float> g) => GradV(x, g);

    static float GradS(float x, float g)
    {
        float t = MishFn.TanhSoftplus(x);
        return g * (t + x * (1f - t * t) * VMath.Sigmoid(x));
    }

    static Vector128<float> GradV(Vector128<float> x, Vector128<float> g)
    {
        var t = MishFn.TanhSoftplus(x);
        return g * (t + x * (Vector128<float>.One - t * t) * VMath.Sigmoid(x));
    }

    static Vector256<float> GradV(Vector256<float> x, Vector256<float> g)
    {
        var t = MishFn.TanhSoftplus(x);
        return g * (t + x * (Vector256<float>.One - t * t) * VMath.Sigmoid(x));
    }

    static Vector512<float> GradV(Vector512<float> x, Vector512<float> g)
    {
        var t = MishFn.TanhSoftplus(x);
        return g * (t + x * (Vector512<float>.One - t * t) * VMath.Sigmoid(x));
    }
}

/// <summary>erf(x); d/dx = 2/√π · e^(−x²).</summary>
public readonly struct ErfFn : IUnaryFn
{
    public float Invoke(float x) => VMath.Erf(x);
    public Vector128<float> Invoke(Vector128<float> x) => VMath.Erf(x);
    public Vector256<float> Invoke(Vector256<float> x) => VMath.Erf(x);
    public Vector512<float> Invoke(Vector512<float> x) => VMath.Erf(x);
}

/// <summary>The backward of Erf: g · d/dx.</summary>
public readonly struct ErfGradFn : IBinaryFn
{
    public float Invoke(float x, float g) => g * 1.12837916709551257f * MathF.Exp(-x * x);
    public Vector128<float> Invoke(Vector128<float> x, Vector128<float> g) => g * Vector128.Create(1.12837916709551257f) * Vector128.Exp(-(x * x));
    public Vector256<float> Invoke(Vector256<float> x, Vector256<float> g) => g * Vector256.Create(1.12837916709551257f) * Vector256.Exp(-(x * x));
    public Vector512<float> Invoke(Vector512<float> x, Vector512<float> g) => g * Vector512.Create(1.12837916709551257f) * Vector512.Exp(-(x * x));
}
