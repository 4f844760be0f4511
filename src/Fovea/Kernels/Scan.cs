using System.Numerics.Tensors;

namespace Fovea.Kernels;

/// <summary>Prefix sums over the middle axis of a contiguous [outer, n, inner] layout.</summary>
public static class Scan
{
    /// <summary>dst[o, k, i] = Σ_{j ≤ k} src[o, j, i] (or Σ_{j ≥ k} when <paramref name="reverse"/>, the backward). Accumulates in float like PyTorch's CPU kernel.</summary>
    public static void CumSumMiddle(ReadOnlySpan<float> src, int outer, int n, int inner, Span<float> dst, bool reverse = false)
    {
        if (n == 0 || inner == 0) return;
        for (int o = 0; o < outer; o++)
        {
            int b = o * n * inner;
            int first = reverse ? n - 1 : 0, step = reverse ? -1 : 1;
            src.Slice(b + first * inner, inner).CopyTo(dst.Slice(b + first * inner, inner));
            for (int j = 1, k = first + step; j < n; j++, k += step)
                TensorPrimitives.Add(dst.Slice(b + (k - step) * inner, inner), src.Slice(b + k * inner, inner), dst.Slice(b + k * inner, inner));
        }
    }
}
