namespace Fovea.Kernels;

/// <summary>Elementwise loops that take parameters (which operator structs cannot carry).</summary>
public static class Elementwise
{
    /// <summary>dst[i] = g[i] where lo ≤ x[i] ≤ hi, else 0 (the backward of clamp and hardtanh).</summary>
    public static void PassInRange(ReadOnlySpan<float> x, ReadOnlySpan<float> g, float lo, float hi, Span<float> dst)
    {
        for (int i = 0; i < x.Length; i++) dst[i] = x[i] >= lo && x[i] <= hi ? g[i] : 0f;
    }
}
