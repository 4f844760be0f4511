using System.Runtime.Intrinsics;

namespace Fovea.Kernels;

// Comparisons as 0/1 floats: the all-ones lane mask of a vector compare ANDed with 1.0f.

public readonly struct EqOp : IBinaryOp
{
    public static bool Vectorizable => true;
    public static float Invoke(float a, float b) => a == b ? 1f : 0f;
    public static Vector128<float> Invoke(Vector128<float> a, Vector128<float> b) => Vector128.Equals(a, b) & Vector128<float>.One;
    public static Vector256<float> Invoke(Vector256<float> a, Vector256<float> b) => Vector256.Equals(a, b) & Vector256<float>.One;
    public static Vector512<float> Invoke(Vector512<float> a, Vector512<float> b) => Vector512.Equals(a, b) & Vector512<float>.One;
}

public readonly struct NeOp : IBinaryOp
{
    public static bool Vectorizable => true;
    public static float Invoke(float a, float b) => a != b ? 1f : 0f;
    public static Vector128<float> Invoke(Vector128<float> a, Vector128<float> b) => Vector128<float>.One - (Vector128.Equals(a, b) & Vector128<float>.One);
    public static Vector256<float> Invoke(Vector256<float> a, Vector256<float> b) => Vector256<float>.One - (Vector256.Equals(a, b) & Vector256<float>.One);
    public static Vector512<float> Invoke(Vector512<float> a, Vector512<float> b) => Vector512<float>.One - (Vector512.Equals(a, b) & Vector512<float>.One);
}

public readonly struct GtOp : IBinaryOp
{
    public static bool Vectorizable => true;
    public static float Invoke(float a, float b) => a > b ? 1f : 0f;
    public static Vector128<float> Invoke(Vector128<float> a, Vector128<float> b) => Vector128.GreaterThan(a, b) & Vector128<float>.One;
    public static Vector256<float> Invoke(Vector256<float> a, Vector256<float> b) => Vector256.GreaterThan(a, b) & Vector256<float>.One;
    public static Vector512<float> Invoke(Vector512<float> a, Vector512<float> b) => Vector512.GreaterThan(a, b) & Vector512<float>.One;
}

public readonly struct GeOp : IBinaryOp
{
    public static bool Vectorizable => true;
    public static float Invoke(float a, float b) => a >= b ? 1f : 0f;
    public static Vector128<float> Invoke(Vector128<float> a, Vector128<float> b) => Vector128.GreaterThanOrEqual(a, b) & Vector128<float>.One;
    public static Vector256<float> Invoke(Vector256<float> a, Vector256<float> b) => Vector256.GreaterThanOrEqual(a, b) & Vector256<float>.One;
    public static Vector512<float> Invoke(Vector512<float> a, Vector512<float> b) => Vector512.GreaterThanOrEqual(a, b) & Vector512<float>.One;
}

public readonly struct LtOp : IBinaryOp
{
    public static bool Vectorizable => true;
    public static float Invoke(float a, float b) => a < b ? 1f : 0f;
    public static Vector128<float> Invoke(Vector128<float> a, Vector128<float> b) => Vector128.LessThan(a, b) & Vector128<float>.One;
    public static Vector256<float> Invoke(Vector256<float> a, Vector256<float> b) => Vector256.LessThan(a, b) & Vector256<float>.One;
    public static Vector512<float> Invoke(Vector512<float> a, Vector512<float> b) => Vector512.LessThan(a, b) & Vector512<float>.One;
}

public readonly struct LeOp : IBinaryOp
{
    public static bool Vectorizable => true;
    public static float Invoke(float a, float b) => a <= b ? 1f : 0f;
    public static Vector128<float> Invoke(Vector128<float> a, Vector128<float> b) => Vector128.LessThanOrEqual(a, b) & Vector128<float>.One;
    public static Vector256<float> Invoke(Vector256<float> a, Vector256<float> b) => Vector256.LessThanOrEqual(a, b) & Vector256<float>.One;
    public static Vector512<float> Invoke(Vector512<float> a, Vector512<float> b) => Vector512.LessThanOrEqual(a, b) & Vector512<float>.One;
}

/// <summary>max(a, b), NaN-propagating like torch.maximum.</summary>
public readonly struct MaximumOp : IBinaryOp
{
    public static bool Vectorizable => true;
    public static float Invoke(float a, float b) => MathF.Max(a, b);
    public static Vector128<float> Invoke(Vector128<float> a, Vector128<float> b) => Vector128.Max(a, b);
    public static Vector256<float> Invoke(Vector256<float> a, Vector256<float> b) => Vector256.Max(a, b);
    public static Vector512<float> Invoke(Vector512<float> a, Vector512<float> b) => Vector512.Max(a, b);
}

/// <summary>min(a, b), NaN-propagating like torch.minimum.</summary>
public readonly struct MinimumOp : IBinaryOp
{
    public static bool Vectorizable => true;
    public static float Invoke(float a, float b) => MathF.Min(a, b);
    public static Vector128<float> Invoke(Vector128<float> a, Vector128<float> b) => Vector128.Min(a, b);
    public static Vector256<float> Invoke(Vector256<float> a, Vector256<float> b) => Vector256.Min(a, b);
    public static Vector512<float> Invoke(Vector512<float> a, Vector512<float> b) => Vector512.Min(a, b);
}

/// <summary>Share of the gradient a gets from max(a, b): 1 where a &gt; b, ½ on ties, 0 below (PyTorch 1.13's rule).</summary>
public readonly struct MaxShareOp : IBinaryOp
{
    public static bool Vectorizable => true;
    public static float Invoke(float a, float b) => a > b ? 1f : a == b ? 0.5f : 0f;
    public static Vector128<float> Invoke(Vector128<float> a, Vector128<float> b) => (Vector128.GreaterThan(a, b) & Vector128<float>.One) + (Vector128.Equals(a, b) & Vector128.Create(0.5f));
    public static Vector256<float> Invoke(Vector256<float> a, Vector256<float> b) => (Vector256.GreaterThan(a, b) & Vector256<float>.One) + (Vector256.Equals(a, b) & Vector256.Create(0.5f));
    public static Vector512<float> Invoke(Vector512<float> a, Vector512<float> b) => (Vector512.GreaterThan(a, b) & Vector512<float>.One) + (Vector512.Equals(a, b) & Vector512.Create(0.5f));
}

/// <summary>x for x &gt; 0, w·x otherwise (PReLU with a broadcast weight).</summary>
public readonly struct PreluOp : IBinaryOp
{
    public static bool Vectorizable => true;
    public static float Invoke(float x, float w) => x > 0 ? x : w * x;
    public static Vector128<float> Invoke(Vector128<float> x, Vector128<float> w) => Vector128.ConditionalSelect(Vector128.GreaterThan(x, Vector128<float>.Zero), x, w * x);
    public static Vector256<float> Invoke(Vector256<float> x, Vector256<float> w) => Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256<float>.Zero), x, w * x);
    public static Vector512<float> Invoke(Vector512<float> x, Vector512<float> w) => Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512<float>.Zero), x, w * x);
}

/// <summary>d PReLU/dx: 1 for x &gt; 0, w otherwise.</summary>
public readonly struct PreluSlopeOp : IBinaryOp
{
    public static bool Vectorizable => true;
    public static float Invoke(float x, float w) => x > 0 ? 1f : w;
    public static Vector128<float> Invoke(Vector128<float> x, Vector128<float> w) => Vector128.ConditionalSelect(Vector128.GreaterThan(x, Vector128<float>.Zero), Vector128<float>.One, w);
    public static Vector256<float> Invoke(Vector256<float> x, Vector256<float> w) => Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256<float>.Zero), Vector256<float>.One, w);
    public static Vector512<float> Invoke(Vector512<float> x, Vector512<float> w) => Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512<float>.Zero), Vector512<float>.One, w);
}

/// <summary>min(x, 0): the part of x below zero.</summary>
public readonly struct NegPartOp : IUnaryOp
{
    public static bool Vectorizable => true;
    public static float Invoke(float x) => x > 0 ? 0f : x;
    public static Vector128<float> Invoke(Vector128<float> x) => Vector128.ConditionalSelect(Vector128.GreaterThan(x, Vector128<float>.Zero), Vector128<float>.Zero, x);
    public static Vector256<float> Invoke(Vector256<float> x) => Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256<float>.Zero), Vector256<float>.Zero, x);
    public static Vector512<float> Invoke(Vector512<float> x) => Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512<float>.Zero), Vector512<float>.Zero, x);
}
