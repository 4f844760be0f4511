using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Fovea.Kernels;

/// <summary>
/// Unfolds one group of one sample into (a block of) the im2col matrix and folds it back. Row r = (c*KD + kd)*KH*KW +
/// kh*KW + kw holds, for every output position p = (od, oh, ow), x[c, od*SD - PD + kd*DD, oh*SH - PH + kh*DH, ow*SW - PW + kw*DW]
/// (zero outside the input). A block is rows [r0, r1) by output positions [p0, p1), stored row-major with row length
/// p1 - p0, so callers can tile the positions to keep the block in cache. Contiguous runs go through span copies/adds.
/// </summary>
public static class Im2Col
{
    /// <summary>Writes the block rows [r0, r1) x positions [p0, p1) of the im2col matrix of <paramref name="x"/> (InPerGroup channels of InSpatial values).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Unfold(ReadOnlySpan<float> x, Span<float> col, in ConvGeometry g, int r0, int r1, int p0, int p1)
        => Unfold(x, col, g, r0, r1, p0, p1, p1 - p0);

    /// <summary>Same, with rows <paramref name="ld"/> apart in <paramref name="col"/> (a block of several samples side by side).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Unfold(ReadOnlySpan<float> x, Span<float> col, in ConvGeometry g, int r0, int r1, int p0, int p1, int ld)
    {
        if (r0 >= r1 || p0 >= p1) return;
        CheckBlock("Im2Col.Unfold", x.Length, col.Length, g, r0, r1, p0, p1, ld);
        if (IsUnitStride2d(g)) { UnfoldUnitStride(x, col, g, r0, r1, p0, p1, ld); return; }
        int ks = g.KernelSize, khw = g.KH * g.KW, ohw = g.OutH * g.OutW, ihw = g.InH * g.InW, ow = g.OutW;
        int od0 = p0 / ohw, rem0 = p0 - od0 * ohw, oh0 = rem0 / ow, owStart = rem0 - oh0 * ow;
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float cr = ref MemoryMarshal.GetReference(col);
        for (int row = r0; row < r1; row++)
        {
            int c = row / ks, t = row - c * ks;
            int kd = t / khw; t -= kd * khw;
            int kh = t / g.KW, kw = t - kh * g.KW;
            ref float dst = ref Unsafe.Add(ref cr, (nint)(row - r0) * ld);
            ref float src = ref Unsafe.Add(ref xr, (nint)c * g.InSpatial);
            int offW = kw * g.DW - g.PW;
            var (lo, hi) = ValidRange(offW, g.SW, g.InW, ow);
            int od = od0, oh = oh0, ow0 = owStart;
            for (int pos = p0; pos < p1;)
            {
                // One run of output row (od, oh), columns [ow0, ow0 + n).
                int n = Math.Min(ow - ow0, p1 - pos), ow1 = ow0 + n;
                ref float d = ref Unsafe.Add(ref dst, pos - p0);
                int id = od * g.SD - g.PD + kd * g.DD, ih = oh * g.SH - g.PH + kh * g.DH;
                int a = Math.Max(lo, ow0), b = Math.Min(hi, ow1);
                if ((uint)id >= (uint)g.InD || (uint)ih >= (uint)g.InH || a >= b) Zero(ref d, n);
                else
                {
                    Zero(ref d, a - ow0);
                    Zero(ref Unsafe.Add(ref d, b - ow0), ow1 - b);
                    ref float s = ref Unsafe.Add(ref src, id * ihw + ih * g.InW);
                    if (g.SW == 1) Copy(ref Unsafe.Add(ref s, a + offW), ref Unsafe.Add(ref d, a - ow0), b - a);
                    else for (int o = a, iw = a * g.SW + offW; o < b; o++, iw += g.SW) Unsafe.Add(ref d, o - ow0) = Unsafe.Add(ref s, iw);
                }
                pos += n;
                ow0 = 0;
                if (++oh == g.OutH) { oh = 0; od++; }
            }
        }
    }

    /// <summary>Whole-matrix form of <see cref="Unfold(ReadOnlySpan{float}, Span{float}, in ConvGeometry, int, int, int, int)"/>: rows [r0, r1), all positions.</summary>
    public static void Unfold(ReadOnlySpan<float> x, Span<float> col, in ConvGeometry g, int r0, int r1)
        => Unfold(x, col, g, r0, r1, 0, g.OutSpatial);

    /// <summary>
    /// Adds the block (all ColRows rows) x positions [p0, p1) of an im2col-shaped matrix back onto the input positions
    /// it reads: dx[c, i] += col[r, p] for every (r, p) that reads position i. dx is not cleared.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Fold(ReadOnlySpan<float> col, Span<float> dx, in ConvGeometry g, int p0, int p1)
        => Fold(col, dx, g, p0, p1, p1 - p0);

    /// <summary>Same, with rows <paramref name="ld"/> apart in <paramref name="col"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Fold(ReadOnlySpan<float> col, Span<float> dx, in ConvGeometry g, int p0, int p1, int ld)
    {
        int rows = g.ColRows;
        if (rows == 0 || p0 >= p1) return;
        CheckBlock("Im2Col.Fold", dx.Length, col.Length, g, 0, rows, p0, p1, ld);
        if (IsUnitStride2d(g)) { FoldUnitStride(col, dx, g, p0, p1, ld); return; }
        int ks = g.KernelSize, khw = g.KH * g.KW, ohw = g.OutH * g.OutW, ihw = g.InH * g.InW, ow = g.OutW;
        int od0 = p0 / ohw, rem0 = p0 - od0 * ohw, oh0 = rem0 / ow, owStart = rem0 - oh0 * ow;
        ref float xr = ref MemoryMarshal.GetReference(dx);
        ref float cr = ref MemoryMarshal.GetReference(col);
        for (int row = 0; row < rows; row++)
        {
            int c = row / ks, t = row - c * ks;
            int kd = t / khw; t -= kd * khw;
            int kh = t / g.KW, kw = t - kh * g.KW;
            ref float src = ref Unsafe.Add(ref cr, (nint)row * ld);
            ref float dst = ref Unsafe.Add(ref xr, (nint)c * g.InSpatial);
            int offW = kw * g.DW - g.PW;
            var (lo, hi) = ValidRange(offW, g.SW, g.InW, ow);
            if (lo >= hi) continue;
            int od = od0, oh = oh0, ow0 = owStart;
            for (int pos = p0; pos < p1;)
            {
                int n = Math.Min(ow - ow0, p1 - pos), ow1 = ow0 + n;
                ref float s = ref Unsafe.Add(ref src, pos - p0);
                int id = od * g.SD - g.PD + kd * g.DD, ih = oh * g.SH - g.PH + kh * g.DH;
                int a = Math.Max(lo, ow0), b = Math.Min(hi, ow1);
                if ((uint)id < (uint)g.InD && (uint)ih < (uint)g.InH && a < b)
                {
                    ref float d = ref Unsafe.Add(ref dst, id * ihw + ih * g.InW);
                    if (g.SW == 1) AddTo(ref Unsafe.Add(ref s, a - ow0), ref Unsafe.Add(ref d, a + offW), b - a);
                    else for (int o = a, iw = a * g.SW + offW; o < b; o++, iw += g.SW) Unsafe.Add(ref d, iw) += Unsafe.Add(ref s, o - ow0);
                }
                pos += n;
                ow0 = 0;
                if (++oh == g.OutH) { oh = 0; od++; }
            }
        }
    }

    /// <summary>
    /// Stride 1 and dilation 1 on a 1-D or 2-D convolution (the common 3x3 "same" layer): the zero padding is made once
    /// per call in a per-thread copy of the rows the block reads ([channel][row][OutW + KW - 1], padding included), so
    /// every run of an im2col row (one output row) is a plain copy / add of OutW values with no bounds logic.
    /// </summary>
    internal static bool IsUnitStride2d(in ConvGeometry g) =>
        g.KD == 1 && g.InD == 1 && g.OutD == 1 && g.PD == 0 && g.SH == 1 && g.SW == 1 && g.DH == 1 && g.DW == 1;

    [ThreadStatic] static float[]? padded;

    // The padded copy of channels [c0, c1), output rows [oh0, oh1): rows oh0 - PH .. oh1 - 1 - PH + KH - 1 of the input,
    // columns -PW .. OutW - 1 - PW + KW - 1, zero outside the input.
    static float[] PaddedBuffer(int length)
    {
        var buf = padded;
        if (buf == null || buf.Length < length) padded = buf = new float[Math.Max(length, 4096)];
        return buf;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void UnfoldUnitStride(ReadOnlySpan<float> x, Span<float> col, in ConvGeometry g, int r0, int r1, int p0, int p1, int ld)
    {
        int ks = g.KernelSize, ow = g.OutW;
        int c0 = r0 / ks, c1 = (r1 - 1) / ks + 1;
        int oh0 = p0 / ow, oh1 = (p1 - 1) / ow + 1;
        int hp = oh1 - oh0 + g.KH - 1, wp = ow + g.KW - 1, plane = hp * wp;
        var buf = PaddedBuffer((c1 - c0) * plane);
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float pr = ref MemoryMarshal.GetArrayDataReference(buf);
        int a = Math.Min(g.PW, wp), b = Math.Clamp(g.PW + g.InW, a, wp);   // padded columns [a, b) hold input columns
        for (int c = c0; c < c1; c++)
            for (int i = 0; i < hp; i++)
            {
                ref float d = ref Unsafe.Add(ref pr, (c - c0) * plane + i * wp);
                int ih = oh0 + i - g.PH;
                if ((uint)ih >= (uint)g.InH || a >= b) { Zero(ref d, wp); continue; }
                Zero(ref d, a);
                Copy(ref Unsafe.Add(ref xr, (nint)c * g.InSpatial + ih * g.InW + (a - g.PW)), ref Unsafe.Add(ref d, a), b - a);
                Zero(ref Unsafe.Add(ref d, b), wp - b);
            }
        ref float cr = ref MemoryMarshal.GetReference(col);
        int first = p0 - oh0 * ow;
        for (int row = r0; row < r1; row++)
        {
            int c = row / ks, t = row - c * ks, kh = t / g.KW, kw = t - kh * g.KW;
            ref float src = ref Unsafe.Add(ref pr, (c - c0) * plane + kh * wp + kw);
            ref float dst = ref Unsafe.Add(ref cr, (nint)(row - r0) * ld);
            int pos = p0, o = first;
            for (int i = 0; pos < p1; i++)
            {
                int n = Math.Min(ow - o, p1 - pos);
                Copy(ref Unsafe.Add(ref src, i * wp + o), ref Unsafe.Add(ref dst, pos - p0), n);
                pos += n;
                o = 0;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void FoldUnitStride(ReadOnlySpan<float> col, Span<float> dx, in ConvGeometry g, int p0, int p1, int ld)
    {
        int ks = g.KernelSize, ow = g.OutW, rows = g.ColRows, cg = g.InPerGroup;
        int oh0 = p0 / ow, oh1 = (p1 - 1) / ow + 1;
        int hp = oh1 - oh0 + g.KH - 1, wp = ow + g.KW - 1, plane = hp * wp;
        var buf = PaddedBuffer(cg * plane);
        ref float pr = ref MemoryMarshal.GetArrayDataReference(buf);
        new Span<float>(buf, 0, cg * plane).Clear();
        ref float cr = ref MemoryMarshal.GetReference(col);
        int first = p0 - oh0 * ow;
        for (int row = 0; row < rows; row++)
        {
            int c = row / ks, t = row - c * ks, kh = t / g.KW, kw = t - kh * g.KW;
            ref float dst = ref Unsafe.Add(ref pr, c * plane + kh * wp + kw);
            ref float src = ref Unsafe.Add(ref cr, (nint)row * ld);
            int pos = p0, o = first;
            for (int i = 0; pos < p1; i++)
            {
                int n = Math.Min(ow - o, p1 - pos);
                AddTo(ref Unsafe.Add(ref src, pos - p0), ref Unsafe.Add(ref dst, i * wp + o), n);
                pos += n;
                o = 0;
            }
        }
        // Add the inside of the padded planes back onto dx.
        ref float xr = ref MemoryMarshal.GetReference(dx);
        int a = Math.Min(g.PW, wp), b = Math.Clamp(g.PW + g.InW, a, wp);
        if (a >= b) return;
        for (int c = 0; c < cg; c++)
            for (int i = 0; i < hp; i++)
            {
                int ih = oh0 + i - g.PH;
                if ((uint)ih >= (uint)g.InH) continue;
                AddTo(ref Unsafe.Add(ref pr, c * plane + i * wp + a), ref Unsafe.Add(ref xr, (nint)c * g.InSpatial + ih * g.InW + (a - g.PW)), b - a);
            }
    }

    /// <summary>Whole-matrix form of <see cref="Fold(ReadOnlySpan{float}, Span{float}, in ConvGeometry, int, int)"/>.</summary>
    public static void Fold(ReadOnlySpan<float> col, Span<float> dx, in ConvGeometry g) => Fold(col, dx, g, 0, g.OutSpatial);

    // The block must lie inside both spans: the loops above run without bounds checks.
    static void CheckBlock(string op, int xLength, int colLength, in ConvGeometry g, int r0, int r1, int p0, int p1, int ld)
    {
        int channels = (r1 - 1) / Math.Max(g.KernelSize, 1) + 1;
        if (r0 < 0 || r1 > g.ColRows || p0 < 0 || p1 > g.OutSpatial || ld < p1 - p0
            || xLength < (long)channels * g.InSpatial || colLength < (long)(r1 - r0 - 1) * ld + (p1 - p0))
            throw new ArgumentException($"{op}: block rows [{r0},{r1}) x positions [{p0},{p1}) (ld {ld}) does not fit spans of {xLength} and {colLength}.");
    }

    // dst[0..n) = src[0..n) for short runs (an output row), without a memmove call per run; the last vector overlaps.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Copy(ref float src, ref float dst, int n)
    {
        if (Vector256.IsHardwareAccelerated && n >= 8)
        {
            int i = 0;
            for (; i <= n - 8; i += 8) Vector256.LoadUnsafe(ref src, (nuint)i).StoreUnsafe(ref dst, (nuint)i);
            if (i < n) Vector256.LoadUnsafe(ref src, (nuint)(n - 8)).StoreUnsafe(ref dst, (nuint)(n - 8));
            return;
        }
        for (int i = 0; i < n; i++) Unsafe.Add(ref dst, i) = Unsafe.Add(ref src, i);
    }

    // dst[0..n) = 0.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Zero(ref float dst, int n)
    {
        if (Vector256.IsHardwareAccelerated && n >= 8)
        {
            int i = 0;
            for (; i <= n - 8; i += 8) Vector256<float>.Zero.StoreUnsafe(ref dst, (nuint)i);
            if (i < n) Vector256<float>.Zero.StoreUnsafe(ref dst, (nuint)(n - 8));
            return;
        }
        for (int i = 0; i < n; i++) Unsafe.Add(ref dst, i) = 0;
    }

    // dst[0..n) += src[0..n).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void AddTo(ref float src, ref float dst, int n)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
            for (; i <= n - 8; i += 8)
                (Vector256.LoadUnsafe(ref dst, (nuint)i) + Vector256.LoadUnsafe(ref src, (nuint)i)).StoreUnsafe(ref dst, (nuint)i);
        if (Vector128.IsHardwareAccelerated && i <= n - 4)
        {
            (Vector128.LoadUnsafe(ref dst, (nuint)i) + Vector128.LoadUnsafe(ref src, (nuint)i)).StoreUnsafe(ref dst, (nuint)i);
            i += 4;
        }
        for (; i < n; i++) Unsafe.Add(ref dst, i) += Unsafe.Add(ref src, i);
    }

    /// <summary>The output positions [lo, hi) whose input index ow*stride + off lies in [0, inSize).</summary>
    internal static (int lo, int hi) ValidRange(int off, int stride, int inSize, int outSize)
    {
        // ow*stride + off >= 0  <=>  ow >= ceil(-off / stride)
        int lo = off >= 0 ? 0 : (-off + stride - 1) / stride;
        // ow*stride + off <= inSize - 1  <=>  ow <= floor((inSize - 1 - off) / stride)
        int top = inSize - 1 - off;
        int hi = top < 0 ? 0 : top / stride + 1;
        lo = Math.Min(lo, outSize);
        hi = Math.Clamp(hi, lo, outSize);
        return (lo, hi);
    }
}
