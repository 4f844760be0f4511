using System.Runtime.Intrinsics;

namespace Fovea.Kernels;

// Operator structs of the unary math ops (and their backward maps) not covered by TensorPrimitives.

/// <summary>x².</summary>
public readonly struct SquareOp : IUnaryOp
{
    public static bool Vectorizable => true;
    public static float Invoke(float x) => x * x;
    public static Vector128<float> Invoke(Vector128<float> x) => x * x;
    public static Vector256<float> Invoke(Vector256<float> x) => x * x;
    public static Vector512<float> Invoke(Vector512<float> x) => x * x;
}

/// <summary>sign(x): −1, 0 or 1 (NaN stays NaN).</summary>
public readonly struct SignOp : IUnaryOp
{
    public static bool Vectorizable => true;
    public static float Invoke(float x) => x > 0 ? 1f : x < 0 ? -1f : x;
    public static Vector128<float> Invoke(Vector128<float> x) =>
        Vector128.ConditionalSelect(Vector128.GreaterThan(x, Vector128<float>.Zero), Vector128<float>.One,
            Vector128.ConditionalSelect(Vector128.LessThan(x, Vector128<float>.Zero), -Vector128<float>.One, x));
    public static Vector256<float> Invoke(Vector256<float> x) =>
        Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256<float>.Zero), Vector256<float>.One,
            Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256<float>.Zero), -Vector256<float>.One, x));
    public static Vector512<float> Invoke(Vector512<float> x) =>
        Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512<float>.Zero), Vector512<float>.One,
            Vector512.ConditionalSelect(Vector512.LessThan(x, Vector512<float>.Zero), -Vector512<float>.One, x));
}

/// <summary>g · y · (1 − y): the sigmoid's backward from its output (a = y, b = g).</summary>
public readonly struct SigmoidGradOp : IBinaryOp
{
    public static bool Vectorizable => true;
    public static float Invoke(float y, float g) => g * y * (1 - y);
    public static Vector128<float> Invoke(Vector128<float> y, Vector128<float> g) => g * y * (Vector128<float>.One - y);
    public static Vector256<float> Invoke(Vector256<float> y, Vector256<float> g) => g * y * (Vector256<float>.One - y);
    public static Vector512<float> Invoke(Vector512<float> y, Vector512<float> g) => g * y * (Vector512<float>.One - y);
}

/// <summary>g · (1 − y²): tanh's backward from its output (a = y, b = g).</summary>
public readonly struct TanhGradOp : IBinaryOp
{
    public static bool Vectorizable => true;
    public static float Invoke(float y, float g) => g * (1 - y * y);
    public static Vector128<float> Invoke(Vector128<float> y, Vector128<float> g) => g * (Vector128<float>.One - y * y);
    public static Vector256<float> Invoke(Vector256<float> y, Vector256<float> g) => g * (Vector256<float>.One - y * y);
    public static Vector512<float> Invoke(Vector512<float> y, Vector512<float> g) => g * (Vector512<float>.One - y * y);
}

/// <summary>g · sign(x): |x|'s backward (a = x, b = g).</summary>
public readonly struct AbsGradOp : IBinaryOp
{
    public static bool Vectorizable => true;
    public static float Invoke(float x, float g) => g * SignOp.Invoke(x);
    public static Vector128<float> Invoke(Vector128<float> x, Vector128<float> g) => g * SignOp.Invoke(x);
    public static Vector256<float> Invoke(Vector256<float> x, Vector256<float> g) => g * SignOp.Invoke(x);
    public static Vector512<float> Invoke(Vector512<float> x, Vector512<float> g) => g * SignOp.Invoke(x);
}

/// <summary>a^b (scalar only: no vector pow in the BCL).</summary>
public readonly struct PowOp : IBinaryOp
{
    public static bool Vectorizable => false;
    public static float Invoke(float a, float b) => MathF.Pow(a, b);
    public static Vector128<float> Invoke(Vector128<float> a, Vector128<float> b) => throw new NotSupportedException();
    public static Vector256<float> Invoke(Vector256<float> a, Vector256<float> b) => throw new NotSupportedException();
    public static Vector512<float> Invoke(Vector512<float> a, Vector512<float> b) => throw new NotSupportedException();
}

/// <summary>y · ln(x), 0 where x = 0: the exponent's gradient factor of x^p (a = x, b = y = x^p).</summary>
public readonly struct PowExponentGradOp : IBinaryOp
{
    public static bool Vectorizable => false;
    public static float Invoke(float x, float y) => x == 0 ? 0f : y * MathF.Log(x);
    public static Vector128<float> Invoke(Vector128<float> a, Vector128<float> b) => throw new NotSupportedException();
    public static Vector256<float> Invoke(Vector256<float> a, Vector256<float> b) => throw new NotSupportedException();
    public static Vector512<float> Invoke(Vector512<float> a, Vector512<float> b) => throw new NotSupportedException();
}
