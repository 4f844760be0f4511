using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Fovea.Kernels;

/// <summary>
/// The products of convolutions whose im2col matrix has only a few rows (a first layer on 1-channel images: 9 rows
/// for 3x3), where GEMM's packing costs more than the arithmetic: y = W·col and dW += dY·colᵀ, straight from the
/// row-major operands with Vector256 FMAs in independent accumulators.
/// </summary>
public static class SmallKConv
{
    /// <summary>Largest im2col row count these kernels are used for.</summary>
    public const int MaxRows = 16;

    /// <summary>y[o, p] = bias[o] + Σ_r w[o, r]·col[r, p] for o &lt; og, p &lt; positions (y rows <paramref name="ldy"/> apart).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward(ReadOnlySpan<float> col, int rows, int positions, ReadOnlySpan<float> w, int og, ReadOnlySpan<float> bias, Span<float> y, int ldy)
    {
        if (col.Length < rows * positions || w.Length < og * rows || y.Length < (og - 1) * ldy + positions || (!bias.IsEmpty && bias.Length < og))
            throw new ArgumentException("SmallKConv.Forward: spans too short.");
        ref float cr = ref MemoryMarshal.GetReference(col);
        for (int o = 0; o < og; o++)
        {
            ref float wr = ref Unsafe.Add(ref MemoryMarshal.GetReference(w), o * rows);
            ref float yr = ref Unsafe.Add(ref MemoryMarshal.GetReference(y), o * ldy);
            float b0 = bias.IsEmpty ? 0f : bias[o];
            int p = 0;
            if (Vector256.IsHardwareAccelerated)
            {
                for (; p + 32 <= positions; p += 32)
                {
                    var a0 = Vector256.Create(b0); var a1 = a0; var a2 = a0; var a3 = a0;
                    for (int r = 0; r < rows; r++)
                    {
                        var wv = Vector256.Create(Unsafe.Add(ref wr, r));
                        ref float c = ref Unsafe.Add(ref cr, r * positions + p);
                        a0 = Vector256.FusedMultiplyAdd(wv, Vector256.LoadUnsafe(ref c), a0);
                        a1 = Vector256.FusedMultiplyAdd(wv, Vector256.LoadUnsafe(ref c, 8), a1);
                        a2 = Vector256.FusedMultiplyAdd(wv, Vector256.LoadUnsafe(ref c, 16), a2);
                        a3 = Vector256.FusedMultiplyAdd(wv, Vector256.LoadUnsafe(ref c, 24), a3);
                    }
                    a0.StoreUnsafe(ref yr, (nuint)p); a1.StoreUnsafe(ref yr, (nuint)(p + 8));
                    a2.StoreUnsafe(ref yr, (nuint)(p + 16)); a3.StoreUnsafe(ref yr, (nuint)(p + 24));
                }
                for (; p + 8 <= positions; p += 8)
                {
                    var a0 = Vector256.Create(b0);
                    for (int r = 0; r < rows; r++)
                        a0 = Vector256.FusedMultiplyAdd(Vector256.Create(Unsafe.Add(ref wr, r)), Vector256.LoadUnsafe(ref cr, (nuint)(r * positions + p)), a0);
                    a0.StoreUnsafe(ref yr, (nuint)p);
                }
            }
            for (; p < positions; p++)
            {
                float a = b0;
                for (int r = 0; r < rows; r++) a += Unsafe.Add(ref wr, r) * Unsafe.Add(ref cr, r * positions + p);
                Unsafe.Add(ref yr, p) = a;
            }
        }
    }

    /// <summary>dw[o, r] += Σ_p dy[o, p]·col[r, p] for o in [o0, o1), r &lt; rows (dy rows <paramref name="ldy"/> apart, dw rows <paramref name="rows"/> apart).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AccumulateWeight(ReadOnlySpan<float> dy, int ldy, ReadOnlySpan<float> col, int rows, int positions, Span<float> dw, int o0, int o1)
    {
        if (o0 >= o1) return;
        if (col.Length < rows * positions || dy.Length < (o1 - 1) * ldy + positions || dw.Length < o1 * rows)
            throw new ArgumentException("SmallKConv.AccumulateWeight: spans too short.");
        if (Vector512.IsHardwareAccelerated)
        {
            unsafe
            {
                fixed (float* pdy = dy, pc = col, pdw = dw) AccumulateWeight512(pdy, ldy, pc, rows, positions, pdw, o0, o1);
            }
            return;
        }
        ref float cr = ref MemoryMarshal.GetReference(col);
        int pv = Vector256.IsHardwareAccelerated ? positions / 8 * 8 : 0;
        for (int o = o0; o < o1; o++)
        {
            ref float dr = ref Unsafe.Add(ref MemoryMarshal.GetReference(dy), o * ldy);
            int r = 0;
            for (; r + 4 <= rows; r += 4)
            {
                var a0 = Vector256<float>.Zero; var a1 = a0; var a2 = a0; var a3 = a0;
                ref float c0 = ref Unsafe.Add(ref cr, r * positions);
                for (int p = 0; p < pv; p += 8)
                {
                    var d = Vector256.LoadUnsafe(ref dr, (nuint)p);
                    a0 = Vector256.FusedMultiplyAdd(d, Vector256.LoadUnsafe(ref c0, (nuint)p), a0);
                    a1 = Vector256.FusedMultiplyAdd(d, Vector256.LoadUnsafe(ref c0, (nuint)(positions + p)), a1);
                    a2 = Vector256.FusedMultiplyAdd(d, Vector256.LoadUnsafe(ref c0, (nuint)(2 * positions + p)), a2);
                    a3 = Vector256.FusedMultiplyAdd(d, Vector256.LoadUnsafe(ref c0, (nuint)(3 * positions + p)), a3);
                }
                float s0 = Vector256.Sum(a0), s1 = Vector256.Sum(a1), s2 = Vector256.Sum(a2), s3 = Vector256.Sum(a3);
                for (int p = pv; p < positions; p++)
                {
                    float d = Unsafe.Add(ref dr, p);
                    s0 += d * Unsafe.Add(ref c0, p); s1 += d * Unsafe.Add(ref c0, positions + p);
                    s2 += d * Unsafe.Add(ref c0, 2 * positions + p); s3 += d * Unsafe.Add(ref c0, 3 * positions + p);
                }
                dw[o * rows + r] += s0; dw[o * rows + r + 1] += s1; dw[o * rows + r + 2] += s2; dw[o * rows + r + 3] += s3;
            }
            for (; r < rows; r++)
            {
                var a0 = Vector256<float>.Zero; var a1 = a0;
                ref float c0 = ref Unsafe.Add(ref cr, r * positions);
                int p = 0;
                for (; p + 16 <= pv; p += 16)
                {
                    a0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref dr, (nuint)p), Vector256.LoadUnsafe(ref c0, (nuint)p), a0);
                    a1 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref dr, (nuint)(p + 8)), Vector256.LoadUnsafe(ref c0, (nuint)(p + 8)), a1);
                }
                for (; p < pv; p += 8)
                    a0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref dr, (nuint)p), Vector256.LoadUnsafe(ref c0, (nuint)p), a0);
                float s = Vector256.Sum(a0 + a1);
                for (p = pv; p < positions; p++) s += Unsafe.Add(ref dr, p) * Unsafe.Add(ref c0, p);
                dw[o * rows + r] += s;
            }
        }
    }

    // AVX-512: blocks of 4 output channels x 4 rows (16 accumulators; per 16 positions 4 dY and 4 col loads feed 16
    // FMAs), then the leftover rows and channels one accumulator each. Every dw[o, r] is summed the same way whatever
    // block it falls in (lanes over the full vectors in order, the lane sum, then the tail in order), so the result does
    // not depend on how the channels are split over threads.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static unsafe void AccumulateWeight512(float* dy, int ldy, float* col, int rows, int positions, float* dw, int o0, int o1)
    {
        const int L = 16;
        int pv = positions / L * L;
        int o = o0;
        for (; o + 4 <= o1; o += 4)
        {
            float* d0 = dy + (long)o * ldy, d1 = d0 + ldy, d2 = d1 + ldy, d3 = d2 + ldy;
            int r = 0;
            for (; r + 4 <= rows; r += 4)
            {
                float* c0 = col + (long)r * positions, c1 = c0 + positions, c2 = c1 + positions, c3 = c2 + positions;
                Vector512<float> a00 = default, a01 = default, a02 = default, a03 = default, a10 = default, a11 = default, a12 = default, a13 = default;
                Vector512<float> a20 = default, a21 = default, a22 = default, a23 = default, a30 = default, a31 = default, a32 = default, a33 = default;
                for (int p = 0; p < pv; p += L)
                {
                    var x0 = Vector512.Load(c0 + p); var x1 = Vector512.Load(c1 + p); var x2 = Vector512.Load(c2 + p); var x3 = Vector512.Load(c3 + p);
                    var g = Vector512.Load(d0 + p);
                    a00 = Vector512.FusedMultiplyAdd(g, x0, a00); a01 = Vector512.FusedMultiplyAdd(g, x1, a01); a02 = Vector512.FusedMultiplyAdd(g, x2, a02); a03 = Vector512.FusedMultiplyAdd(g, x3, a03);
                    g = Vector512.Load(d1 + p);
                    a10 = Vector512.FusedMultiplyAdd(g, x0, a10); a11 = Vector512.FusedMultiplyAdd(g, x1, a11); a12 = Vector512.FusedMultiplyAdd(g, x2, a12); a13 = Vector512.FusedMultiplyAdd(g, x3, a13);
                    g = Vector512.Load(d2 + p);
                    a20 = Vector512.FusedMultiplyAdd(g, x0, a20); a21 = Vector512.FusedMultiplyAdd(g, x1, a21); a22 = Vector512.FusedMultiplyAdd(g, x2, a22); a23 = Vector512.FusedMultiplyAdd(g, x3, a23);
                    g = Vector512.Load(d3 + p);
                    a30 = Vector512.FusedMultiplyAdd(g, x0, a30); a31 = Vector512.FusedMultiplyAdd(g, x1, a31); a32 = Vector512.FusedMultiplyAdd(g, x2, a32); a33 = Vector512.FusedMultiplyAdd(g, x3, a33);
                }
                float* w0 = dw + (long)o * rows + r, w1 = w0 + rows, w2 = w1 + rows, w3 = w2 + rows;
                w0[0] += Tail(a00, d0, c0, pv, positions); w0[1] += Tail(a01, d0, c1, pv, positions); w0[2] += Tail(a02, d0, c2, pv, positions); w0[3] += Tail(a03, d0, c3, pv, positions);
                w1[0] += Tail(a10, d1, c0, pv, positions); w1[1] += Tail(a11, d1, c1, pv, positions); w1[2] += Tail(a12, d1, c2, pv, positions); w1[3] += Tail(a13, d1, c3, pv, positions);
                w2[0] += Tail(a20, d2, c0, pv, positions); w2[1] += Tail(a21, d2, c1, pv, positions); w2[2] += Tail(a22, d2, c2, pv, positions); w2[3] += Tail(a23, d2, c3, pv, positions);
                w3[0] += Tail(a30, d3, c0, pv, positions); w3[1] += Tail(a31, d3, c1, pv, positions); w3[2] += Tail(a32, d3, c2, pv, positions); w3[3] += Tail(a33, d3, c3, pv, positions);
            }
            for (; r < rows; r++)
            {
                // A leftover row against the 4 channels: four independent sums (one alone would wait on its own FMAs).
                float* c = col + (long)r * positions;
                Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
                for (int p = 0; p < pv; p += L)
                {
                    var x = Vector512.Load(c + p);
                    a0 = Vector512.FusedMultiplyAdd(Vector512.Load(d0 + p), x, a0); a1 = Vector512.FusedMultiplyAdd(Vector512.Load(d1 + p), x, a1);
                    a2 = Vector512.FusedMultiplyAdd(Vector512.Load(d2 + p), x, a2); a3 = Vector512.FusedMultiplyAdd(Vector512.Load(d3 + p), x, a3);
                }
                dw[(long)o * rows + r] += Tail(a0, d0, c, pv, positions); dw[(long)(o + 1) * rows + r] += Tail(a1, d1, c, pv, positions);
                dw[(long)(o + 2) * rows + r] += Tail(a2, d2, c, pv, positions); dw[(long)(o + 3) * rows + r] += Tail(a3, d3, c, pv, positions);
            }
        }
        for (; o < o1; o++)
            for (int r = 0; r < rows; r++) dw[(long)o * rows + r] += Single(dy + (long)o * ldy, col + (long)r * positions, pv, positions);

        static float Single(float* d, float* c, int pv, int positions)
        {
            var a = Vector512<float>.Zero;
            for (int p = 0; p < pv; p += L) a = Vector512.FusedMultiplyAdd(Vector512.Load(d + p), Vector512.Load(c + p), a);
            return Tail(a, d, c, pv, positions);
        }
    }

    static unsafe float Tail(Vector512<float> acc, float* d, float* c, int p, int positions)
    {
        float s = Vector512.Sum(acc);
        for (; p < positions; p++) s = MathF.FusedMultiplyAdd(d[p], c[p], s);
        return s;
    }
}
