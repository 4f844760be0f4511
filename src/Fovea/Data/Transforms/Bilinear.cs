using System.Runtime.CompilerServices;

namespace Fovea.Data.Transforms;

/// <summary>Bilinear sampling of one image plane, pixel centres at integer coordinates.</summary>
internal static class Bilinear
{
    /// <summary>The value at (y, x); neighbours outside the plane count as <paramref name="fill"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sample(ReadOnlySpan<float> plane, int h, int w, float y, float x, float fill)
    {
        if (!(y > -1 && y < h && x > -1 && x < w)) return fill;   // also catches NaN
        int y0 = (int)MathF.Floor(y), x0 = (int)MathF.Floor(x);
        float fy = y - y0, fx = x - x0;
        float v00 = At(plane, h, w, y0, x0, fill), v01 = At(plane, h, w, y0, x0 + 1, fill);
        float v10 = At(plane, h, w, y0 + 1, x0, fill), v11 = At(plane, h, w, y0 + 1, x0 + 1, fill);
        float top = v00 + (v01 - v00) * fx;
        float bottom = v10 + (v11 - v10) * fx;
        return top + (bottom - top) * fy;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static float At(ReadOnlySpan<float> plane, int h, int w, int y, int x, float fill)
        => (uint)y < (uint)h && (uint)x < (uint)w ? plane[y * w + x] : fill;

    /// <summary>
    /// Resizes a plane like PyTorch's <c>interpolate(mode="bilinear", align_corners=False)</c> without antialiasing:
    /// source coordinate (i + 0.5) * in / out - 0.5, clamped at 0, edges replicated.
    /// </summary>
    public static void Resize(ReadOnlySpan<float> src, int h, int w, Span<float> dst, int oh, int ow)
    {
        float sy = (float)h / oh, sx = (float)w / ow;
        // Column indices and weights are the same for every row: work them out once.
        int[]? rented = ow > 512 ? System.Buffers.ArrayPool<int>.Shared.Rent(2 * ow) : null;
        float[]? rentedW = ow > 512 ? System.Buffers.ArrayPool<float>.Shared.Rent(ow) : null;
        Span<int> xi = rented is null ? stackalloc int[2 * ow] : rented.AsSpan(0, 2 * ow);
        Span<float> xw = rentedW is null ? stackalloc float[ow] : rentedW.AsSpan(0, ow);
        for (int j = 0; j < ow; j++)
        {
            float fx = Math.Max((j + 0.5f) * sx - 0.5f, 0f);
            int x0 = Math.Min((int)fx, w - 1);
            xi[2 * j] = x0;
            xi[2 * j + 1] = Math.Min(x0 + 1, w - 1);
            xw[j] = fx - x0;
        }
        for (int i = 0; i < oh; i++)
        {
            float fy = Math.Max((i + 0.5f) * sy - 0.5f, 0f);
            int y0 = Math.Min((int)fy, h - 1), y1 = Math.Min(y0 + 1, h - 1);
            float ly = fy - y0;
            var r0 = src.Slice(y0 * w, w);
            var r1 = src.Slice(y1 * w, w);
            var o = dst.Slice(i * ow, ow);
            for (int j = 0; j < o.Length; j++)
            {
                int x0 = xi[2 * j], x1 = xi[2 * j + 1];
                float lx = xw[j];
                float top = r0[x0] + (r0[x1] - r0[x0]) * lx;
                float bottom = r1[x0] + (r1[x1] - r1[x0]) * lx;
                o[j] = top + (bottom - top) * ly;
            }
        }
        if (rented is not null) System.Buffers.ArrayPool<int>.Shared.Return(rented);
        if (rentedW is not null) System.Buffers.ArrayPool<float>.Shared.Return(rentedW);
    }
}
