namespace Fovea.Kernels;

/// <summary>
/// N-d padding through one source-index map per axis (−1 marks a constant cell): out[j₀..j_r] = x[map₀[j₀]..map_r[j_r]]
/// when every map entry is valid, else the fill value. Cropping (negative pads) and the reflect/replicate modes are
/// just different maps.
/// </summary>
public static class PadKernel
{
    /// <summary>dst (contiguous over the map lengths) = x (strided) read through the maps.</summary>
    public static void Forward(ReadOnlySpan<float> x, int xOff, ReadOnlySpan<int> xStrides, int[][] maps, float value, Span<float> dst)
    {
        int rank = maps.Length;
        if (rank == 0) { dst[0] = x[xOff]; return; }
        if (dst.Length == 0) return;
        var last = maps[rank - 1];
        int inner = last.Length, ls = xStrides[rank - 1];
        Span<int> pos = stackalloc int[rank];
        pos.Clear();
        for (int at = 0; at < dst.Length; at += inner)
        {
            int off = xOff;
            bool valid = true;
            for (int d = 0; d < rank - 1; d++)
            {
                int m = maps[d][pos[d]];
                if (m < 0) { valid = false; break; }
                off += m * xStrides[d];
            }
            var row = dst.Slice(at, inner);
            if (!valid) row.Fill(value);
            else for (int j = 0; j < inner; j++) { int m = last[j]; row[j] = m < 0 ? value : x[off + m * ls]; }
            for (int d = rank - 2; d >= 0; d--) { if (++pos[d] < maps[d].Length) break; pos[d] = 0; }
        }
    }

    /// <summary>dx (contiguous, zeroed, strides <paramref name="dxStrides"/>) += g read back through the maps.</summary>
    public static void Backward(ReadOnlySpan<float> g, int[][] maps, Span<float> dx, ReadOnlySpan<int> dxStrides)
    {
        int rank = maps.Length;
        if (rank == 0) { dx[0] += g[0]; return; }
        if (g.Length == 0) return;
        var last = maps[rank - 1];
        int inner = last.Length, ls = dxStrides[rank - 1];
        Span<int> pos = stackalloc int[rank];
        pos.Clear();
        for (int at = 0; at < g.Length; at += inner)
        {
            int off = 0;
            bool valid = true;
            for (int d = 0; d < rank - 1; d++)
            {
                int m = maps[d][pos[d]];
                if (m < 0) { valid = false; break; }
                off += m * dxStrides[d];
            }
            if (valid)
                for (int j = 0; j < inner; j++) { int m = last[j]; if (m >= 0) dx[off + m * ls] += g[at + j]; }
            for (int d = rank - 2; d >= 0; d--) { if (++pos[d] < maps[d].Length) break; pos[d] = 0; }
        }
    }
}
