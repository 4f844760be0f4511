namespace Fovea.Kernels;

/// <summary>Max/min with their first arg-index over the middle axis of a contiguous [outer, n, inner] layout (NaN wins, as in PyTorch).</summary>
public static class ArgReduce
{
    /// <summary>vals[o, i] = max (or min) over k of src[o, k, i]; idx[o, i] = the first k where it occurs. n must be ≥ 1.</summary>
    public static void Middle(ReadOnlySpan<float> src, int outer, int n, int inner, Span<float> vals, Span<int> idx, bool min)
    {
        for (int o = 0; o < outer; o++)
        {
            var s = src.Slice(o * n * inner, n * inner);
            var v = vals.Slice(o * inner, inner);
            var ix = idx.Slice(o * inner, inner);
            s.Slice(0, inner).CopyTo(v);
            ix.Clear();
            for (int k = 1; k < n; k++)
            {
                var row = s.Slice(k * inner, inner);
                for (int i = 0; i < inner; i++)
                {
                    float a = row[i], b = v[i];
                    bool take = min ? a < b : a > b;
                    if (take || (float.IsNaN(a) && !float.IsNaN(b))) { v[i] = a; ix[i] = k; }
                }
            }
        }
    }

    /// <summary>dst[o, idx[o, i], i] += g[o, i] over a zeroed [outer, n, inner] buffer (the backward of max/min).</summary>
    public static void ScatterMiddle(ReadOnlySpan<float> g, ReadOnlySpan<int> idx, int outer, int n, int inner, Span<float> dst)
    {
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++)
                dst[(o * n + idx[o * inner + i]) * inner + i] += g[o * inner + i];
    }
}
