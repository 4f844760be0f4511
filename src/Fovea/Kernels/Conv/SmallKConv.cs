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
}
