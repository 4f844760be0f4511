using System.Numerics.Tensors;

namespace Fovea.Kernels;

/// <summary>Reductions over the middle axis of a contiguous [outer, n, inner] layout.</summary>
public static class Reduce
{
    /// <summary>dst[o, i] = Σ_k src[o, k, i].</summary>
    public static void SumMiddle(ReadOnlySpan<float> src, int outer, int n, int inner, Span<float> dst)
    {
        if (inner == 1)
        {
            for (int o = 0; o < outer; o++) dst[o] = TensorPrimitives.Sum(src.Slice(o * n, n));
            return;
        }
        for (int o = 0; o < outer; o++)
        {
            var d = dst.Slice(o * inner, inner);
            d.Clear();
            var s = src.Slice(o * n * inner, n * inner);
            for (int k = 0; k < n; k++) TensorPrimitives.Add(d, s.Slice(k * inner, inner), d);
        }
    }
}
