using System.Runtime.Intrinsics;

namespace Fovea.Kernels;

// The basic operator structs. More live beside the ops that use them.

public readonly struct AddOp : IBinaryOp
{
    public static bool Vectorizable => true;
    public static float Invoke(float a, float b) => a + b;
    public static Vector128<float> Invoke(Vector128<float> a, Vector128<float> b) => a + b;
    public static Vector256<float> Invoke(Vector256<float> a, Vector256<float> b) => a + b;
    public static Vector512<float> Invoke(Vector512<float> a, Vector512<float> b) => a + b;
}

public readonly struct SubOp : IBinaryOp
{
    public static bool Vectorizable => true;
    public static float Invoke(float a, float b) => a - b;
    public static Vector128<float> Invoke(Vector128<float> a, Vector128<float> b) => a - b;
    public static Vector256<float> Invoke(Vector256<float> a, Vector256<float> b) => a - b;
    public static Vector512<float> Invoke(Vector512<float> a, Vector512<float> b) => a - b;
}

public readonly struct MulOp : IBinaryOp
{
    public static bool Vectorizable => true;
    public static float Invoke(float a, float b) => a * b;
    public static Vector128<float> Invoke(Vector128<float> a, Vector128<float> b) => a * b;
    public static Vector256<float> Invoke(Vector256<float> a, Vector256<float> b) => a * b;
    public static Vector512<float> Invoke(Vector512<float> a, Vector512<float> b) => a * b;
}

public readonly struct DivOp : IBinaryOp
{
    public static bool Vectorizable => true;
    public static float Invoke(float a, float b) => a / b;
    public static Vector128<float> Invoke(Vector128<float> a, Vector128<float> b) => a / b;
    public static Vector256<float> Invoke(Vector256<float> a, Vector256<float> b) => a / b;
    public static Vector512<float> Invoke(Vector512<float> a, Vector512<float> b) => a / b;
}

public readonly struct NegOp : IUnaryOp
{
    public static bool Vectorizable => true;
    public static float Invoke(float x) => -x;
    public static Vector128<float> Invoke(Vector128<float> x) => -x;
    public static Vector256<float> Invoke(Vector256<float> x) => -x;
    public static Vector512<float> Invoke(Vector512<float> x) => -x;
}

public readonly struct ReluOp : IUnaryOp
{
    public static bool Vectorizable => true;
    public static float Invoke(float x) => x > 0 ? x : 0;
    public static Vector128<float> Invoke(Vector128<float> x) => Vector128.Max(x, Vector128<float>.Zero);
    public static Vector256<float> Invoke(Vector256<float> x) => Vector256.Max(x, Vector256<float>.Zero);
    public static Vector512<float> Invoke(Vector512<float> x) => Vector512.Max(x, Vector512<float>.Zero);
}

/// <summary>g * (x > 0): ReLU's backward as a binary map (a = x, b = upstream gradient).</summary>
public readonly struct ReluGradOp : IBinaryOp
{
    public static bool Vectorizable => true;
    public static float Invoke(float x, float g) => x > 0 ? g : 0;
    public static Vector128<float> Invoke(Vector128<float> x, Vector128<float> g) => Vector128.ConditionalSelect(Vector128.GreaterThan(x, Vector128<float>.Zero), g, Vector128<float>.Zero);
    public static Vector256<float> Invoke(Vector256<float> x, Vector256<float> g) => Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256<float>.Zero), g, Vector256<float>.Zero);
    public static Vector512<float> Invoke(Vector512<float> x, Vector512<float> g) => Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512<float>.Zero), g, Vector512<float>.Zero);
}
