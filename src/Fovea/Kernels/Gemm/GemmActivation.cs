namespace Fovea.Kernels;

/// <summary>The activation a fused GEMM epilogue applies after bias (see <see cref="Gemm"/>).</summary>
public enum GemmActivation
{
    /// <summary>No activation: C = alpha·op(A)·op(B) + beta·C + bias.</summary>
    None,
    /// <summary>max(0, ·) applied last.</summary>
    Relu,
}
