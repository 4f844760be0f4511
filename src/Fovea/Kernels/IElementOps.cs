using System.Runtime.Intrinsics;

namespace Fovea.Kernels;

/// <summary>A fused elementwise map of one value, at every SIMD width (the driver picks one at JIT time).</summary>
public interface IUnaryOp
{
    /// <summary>False when only the scalar form is meaningful (the driver then loops on floats).</summary>
    static abstract bool Vectorizable { get; }
    static abstract float Invoke(float x);
    static abstract Vector128<float> Invoke(Vector128<float> x);
    static abstract Vector256<float> Invoke(Vector256<float> x);
    static abstract Vector512<float> Invoke(Vector512<float> x);
}

/// <summary>A fused elementwise map of two values, at every SIMD width.</summary>
public interface IBinaryOp
{
    static abstract bool Vectorizable { get; }
    static abstract float Invoke(float a, float b);
    static abstract Vector128<float> Invoke(Vector128<float> a, Vector128<float> b);
    static abstract Vector256<float> Invoke(Vector256<float> a, Vector256<float> b);
    static abstract Vector512<float> Invoke(Vector512<float> a, Vector512<float> b);
}
