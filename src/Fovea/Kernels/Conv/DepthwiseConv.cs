using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Fovea.Kernels;

/// <summary>
/// Direct kernels for depthwise convolutions on at most two spatial axes (groups == in == out channels, one
/// KHxKW filter per channel). Each plane is first copied into a zero-padded scratch, stored in SW column phases so
/// that for every tap the inputs of consecutive outputs are contiguous whatever the stride; the inner loops then run
/// on <see cref="Vector256{T}"/> FMAs in independent accumulators, with no bounds tests. The input gradient at stride 1
/// is the same correlation with the flipped filter over the padded output gradient; at larger strides it is scattered
/// tap by tap into a phased plane. Planes (forward, input gradient) and channels (weight gradient) are split across
/// threads; each result is summed by one thread in a fixed order.
/// </summary>
public static class DepthwiseConv
{
    /// <summary>y[n,c] = correlate(x[n,c], w[c]) + b[c].</summary>
    public static unsafe void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> bias, Span<float> y, in ConvGeometry g)
    {
        Check("DepthwiseConv.Forward", g);
        g.CheckLengths("DepthwiseConv.Forward", x.Length, w.Length, y.Length);
        var geo = g;
        int planes = g.Batch * g.InChannels;
        fixed (float* px = x, pw = w, pb = bias, py = y)
        {
            nint ix = (nint)px, iw = (nint)pw, ib = bias.Length == 0 ? 0 : (nint)pb, iy = (nint)py;
            int workers = ConvKernel.Workers(g.Macs, planes);
            Parallelism.For(workers, new Job(0, geo, ix, iw, ib, iy, planes, workers));
        }
    }

    // One chunk of a parallel pass: kind 0 forward (a, b, c, d = x, w, bias, y), 1 input gradient (dy, w, -, dx),
    // 2 weight gradient (dy, x, -, dw); items (planes or channels) split evenly over the chunks.
    readonly struct Job(int kind, ConvGeometry g, nint a, nint b, nint c, nint d, int items, int chunks) : Parallelism.IChunk
    {
        public void Run(int t)
        {
            int i0 = ConvKernel.Split(items, chunks, t), i1 = ConvKernel.Split(items, chunks, t + 1);
            if (kind == 0) ForwardPlanes(a, b, c, d, g, i0, i1);
            else if (kind == 1) BackwardInputPlanes(a, b, d, g, i0, i1);
            else BackwardWeightChannels(a, b, d, g, i0, i1);
        }
    }

    static unsafe void ForwardPlanes(nint px, nint pw, nint pb, nint py, in ConvGeometry g, int q0, int q1)
    {
        int hp = PaddedH(g), wq = PhaseW(g), size = g.SW * hp * wq, ks = g.KH * g.KW, isp = g.InSpatial, osp = g.OutSpatial;
        float[] pad = ArrayPool<float>.Shared.Rent(size);
        Array.Clear(pad, 0, size);
        try
        {
            for (int q = q0; q < q1; q++)
            {
                int c = q % g.InChannels;
                var xs = new ReadOnlySpan<float>((float*)px + (long)q * isp, isp);
                var ys = new Span<float>((float*)py + (long)q * osp, osp);
                var taps = new ReadOnlySpan<float>((float*)pw + c * ks, ks);
                float b = pb == 0 ? 0f : ((float*)pb)[c];
                PadPlane(xs, g.InH, g.InW, g.PH, g.PW, pad, hp, PaddedW(g), g.SW, wq);
                Correlate(pad, hp, wq, taps, g.KH, g.KW, g.DH, g.DW, g.SH, g.SW, ys, g.OutH, g.OutW, b);
            }
        }
        finally { ArrayPool<float>.Shared.Return(pad); }
    }

    /// <summary>dx[n,c] = transposed correlation of dy[n,c] with w[c]. Overwrites dx.</summary>
    public static unsafe void BackwardInput(ReadOnlySpan<float> dy, ReadOnlySpan<float> w, Span<float> dx, in ConvGeometry g)
    {
        Check("DepthwiseConv.BackwardInput", g);
        g.CheckLengths("DepthwiseConv.BackwardInput", dx.Length, w.Length, dy.Length);
        var geo = g;
        int planes = g.Batch * g.InChannels;
        fixed (float* pdy = dy, pw = w, pdx = dx)
        {
            nint idy = (nint)pdy, iw = (nint)pw, idx = (nint)pdx;
            int workers = ConvKernel.Workers(g.Macs, planes);
            Parallelism.For(workers, new Job(1, geo, idy, iw, 0, idx, planes, workers));
        }
    }

    static unsafe void BackwardInputPlanes(nint pdy, nint pw, nint pdx, in ConvGeometry g, int q0, int q1)
    {
        int ks = g.KH * g.KW, isp = g.InSpatial, osp = g.OutSpatial;
        bool unit = g.SH == 1 && g.SW == 1;
        // Stride 1: dx = correlate(pad(dy), flip(w)) with begin padding (K-1)*D - P on each axis (cropping where negative).
        // Otherwise: scatter w·dy into the padded plane in column phases (contiguous rows per tap), then crop.
        int eh = (g.KH - 1) * g.DH, ew = (g.KW - 1) * g.DW;
        int s = g.SW, hp = unit ? g.InH + eh : PaddedH(g), wq = unit ? g.InW + ew : PhaseW(g), size = s * hp * wq;
        float[] pad = ArrayPool<float>.Shared.Rent(size + ks);
        Array.Clear(pad, 0, size);
        try
        {
            var flip = pad.AsSpan(size, ks);
            ref float pr = ref MemoryMarshal.GetArrayDataReference(pad);
            for (int q = q0; q < q1; q++)
            {
                int c = q % g.InChannels;
                var dys = new ReadOnlySpan<float>((float*)pdy + (long)q * osp, osp);
                var dxs = new Span<float>((float*)pdx + (long)q * isp, isp);
                var taps = new ReadOnlySpan<float>((float*)pw + c * ks, ks);
                if (unit)
                {
                    for (int i = 0; i < ks; i++) flip[i] = taps[ks - 1 - i];
                    PadPlane(dys, g.OutH, g.OutW, eh - g.PH, ew - g.PW, pad, hp, wq, 1, wq);
                    Correlate(pad, hp, wq, flip, g.KH, g.KW, g.DH, g.DW, 1, 1, dxs, g.InH, g.InW, 0f);
                    continue;
                }
                pad.AsSpan(0, size).Clear();
                for (int oh = 0; oh < g.OutH; oh++)
                    for (int kh = 0; kh < g.KH; kh++)
                    {
                        int rowOff = (oh * g.SH + kh * g.DH) * wq;
                        ref float drow = ref Unsafe.Add(ref MemoryMarshal.GetReference(dys), oh * g.OutW);
                        for (int kw = 0; kw < g.KW; kw++)
                        {
                            int cw = kw * g.DW;
                            Axpy(taps[kh * g.KW + kw], ref drow, ref Unsafe.Add(ref pr, cw % s * hp * wq + rowOff + cw / s), g.OutW);
                        }
                    }
                int wp = PaddedW(g);
                for (int ih = 0; ih < g.InH; ih++)
                {
                    var xrow = dxs.Slice(ih * g.InW, g.InW);
                    int r = ih + g.PH;
                    int n = r >= hp ? 0 : Math.Clamp(wp - g.PW, 0, g.InW);
                    for (int ph = 0; ph < s && n > 0; ph++)
                    {
                        int col = g.PW + ((ph - g.PW % s) + s) % s;      // first padded column of phase ph at or after PW
                        ref float prow = ref Unsafe.Add(ref pr, ph * hp * wq + r * wq);
                        for (int i = col / s; col < g.PW + n; col += s, i++) xrow[col - g.PW] = Unsafe.Add(ref prow, i);
                    }
                    xrow[n..].Clear();
                }
            }
        }
        finally { ArrayPool<float>.Shared.Return(pad); }
    }

    // d[i] += t * s[i] for i < n.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Axpy(float t, ref float s, ref float d, int n)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var tv = Vector256.Create(t);
            for (; i + 8 <= n; i += 8)
                Vector256.FusedMultiplyAdd(tv, Vector256.LoadUnsafe(ref s, (nuint)i), Vector256.LoadUnsafe(ref d, (nuint)i)).StoreUnsafe(ref d, (nuint)i);
        }
        for (; i < n; i++) Unsafe.Add(ref d, i) += t * Unsafe.Add(ref s, i);
    }

    /// <summary>dw[c] = Σ over the batch and output positions of dy[n,c,o] times the input values tap k reads. Overwrites dw.</summary>
    public static unsafe void BackwardWeight(ReadOnlySpan<float> dy, ReadOnlySpan<float> x, Span<float> dw, in ConvGeometry g)
    {
        Check("DepthwiseConv.BackwardWeight", g);
        g.CheckLengths("DepthwiseConv.BackwardWeight", x.Length, dw.Length, dy.Length);
        var geo = g;
        int channels = g.InChannels;
        fixed (float* pdy = dy, px = x, pdw = dw)
        {
            nint idy = (nint)pdy, ix = (nint)px, idw = (nint)pdw;
            int workers = ConvKernel.Workers(g.Macs, channels);
            Parallelism.For(workers, new Job(2, geo, idy, ix, 0, idw, channels, workers));
        }
    }

    static unsafe void BackwardWeightChannels(nint pdy, nint px, nint pdw, in ConvGeometry g, int c0, int c1)
    {
        int hp = PaddedH(g), wq = PhaseW(g), size = g.SW * hp * wq, ks = g.KH * g.KW, isp = g.InSpatial, osp = g.OutSpatial;
        float[] pad = ArrayPool<float>.Shared.Rent(size);
        Array.Clear(pad, 0, size);
        var acc = new Vector256<float>[ks];
        var sacc = new double[ks];
        try
        {
            for (int c = c0; c < c1; c++)
            {
                Array.Clear(acc);
                Array.Clear(sacc);
                for (int n = 0; n < g.Batch; n++)
                {
                    long q = (long)n * g.InChannels + c;
                    var xs = new ReadOnlySpan<float>((float*)px + q * isp, isp);
                    var dys = new ReadOnlySpan<float>((float*)pdy + q * osp, osp);
                    PadPlane(xs, g.InH, g.InW, g.PH, g.PW, pad, hp, PaddedW(g), g.SW, wq);
                    AccumulateTaps(pad, hp, wq, dys, g, acc, sacc);
                }
                var dwc = new Span<float>((float*)pdw + c * ks, ks);
                for (int k = 0; k < ks; k++) dwc[k] = (float)(Vector256.Sum(acc[k]) + sacc[k]);
            }
        }
        finally { ArrayPool<float>.Shared.Return(pad); }
    }

    // acc[k] += Σ_o dy[o] * pad[tap k of o] over the phased plane (see PadPlane): vector part in acc, the rest in sacc.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void AccumulateTaps(float[] pad, int hp, int wq, ReadOnlySpan<float> dy, in ConvGeometry g, Vector256<float>[] acc, double[] sacc)
    {
        int ow0 = 0;
        ref float pr = ref MemoryMarshal.GetArrayDataReference(pad);
        ref float dr = ref MemoryMarshal.GetReference(dy);
        if (Vector256.IsHardwareAccelerated)
        {
            // Tap by tap over the whole plane, in four independent accumulators (no FMA latency chain per row).
            ow0 = g.OutW / 8 * 8;
            for (int kh = 0; kh < g.KH; kh++)
                for (int kw = 0; kw < g.KW; kw++)
                {
                    int cw = kw * g.DW, ph = cw % g.SW, off = ph * hp * wq + cw / g.SW;
                    var a0 = Vector256<float>.Zero; var a1 = a0; var a2 = a0; var a3 = a0;
                    for (int oh = 0; oh < g.OutH; oh++)
                    {
                        ref float dq = ref Unsafe.Add(ref dr, oh * g.OutW);
                        ref float pq = ref Unsafe.Add(ref pr, (oh * g.SH + kh * g.DH) * wq + off);
                        int ow = 0;
                        for (; ow + 32 <= ow0; ow += 32)
                        {
                            a0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref dq, (nuint)ow), Vector256.LoadUnsafe(ref pq, (nuint)ow), a0);
                            a1 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref dq, (nuint)(ow + 8)), Vector256.LoadUnsafe(ref pq, (nuint)(ow + 8)), a1);
                            a2 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref dq, (nuint)(ow + 16)), Vector256.LoadUnsafe(ref pq, (nuint)(ow + 16)), a2);
                            a3 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref dq, (nuint)(ow + 24)), Vector256.LoadUnsafe(ref pq, (nuint)(ow + 24)), a3);
                        }
                        if (ow < ow0) { a1 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref dq, (nuint)ow), Vector256.LoadUnsafe(ref pq, (nuint)ow), a1); ow += 8; }
                        if (ow < ow0) { a2 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref dq, (nuint)ow), Vector256.LoadUnsafe(ref pq, (nuint)ow), a2); ow += 8; }
                        if (ow < ow0) { a3 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref dq, (nuint)ow), Vector256.LoadUnsafe(ref pq, (nuint)ow), a3); }
                    }
                    int t = kh * g.KW + kw;
                    acc[t] += (a0 + a1) + (a2 + a3);
                }
        }
        if (ow0 == g.OutW) return;
        for (int kh = 0; kh < g.KH; kh++)
            for (int kw = 0; kw < g.KW; kw++)
            {
                int cw = kw * g.DW, off = cw % g.SW * hp * wq + cw / g.SW;
                float s = 0;
                for (int oh = 0; oh < g.OutH; oh++)
                {
                    int prow = (oh * g.SH + kh * g.DH) * wq + off;
                    for (int ow = ow0; ow < g.OutW; ow++) s += Unsafe.Add(ref dr, oh * g.OutW + ow) * Unsafe.Add(ref pr, prow + ow);
                }
                sacc[kh * g.KW + kw] += s;
            }
    }

    /// <summary>
    /// dst[oh, ow] = b + Σ_{kh,kw} taps[kh*KW+kw] * P[oh*sh + kh*dh, ow*sw + kw*dw], a bounds-free correlation over the
    /// padded plane P stored in <paramref name="sw"/> column phases (see PadPlane), so that for every tap the inputs of
    /// consecutive outputs are contiguous: rows in 8-wide vectors, 32 outputs at a time in four accumulators where the
    /// row allows, the last block overlapping the previous one instead of leaving a tail.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Correlate(ReadOnlySpan<float> pad, int hp, int wq, ReadOnlySpan<float> taps, int kh, int kw, int dh, int dw, int sh, int sw,
        Span<float> dst, int oh, int ow, float b)
    {
        ref float pr = ref MemoryMarshal.GetReference(pad);
        ref float tr = ref MemoryMarshal.GetReference(taps);
        ref float dr = ref MemoryMarshal.GetReference(dst);
        bool vec = ow >= 8 && Vector256.IsHardwareAccelerated;
        // Offset of column tap j in the phased plane (no division in the loops).
        Span<int> offs = stackalloc int[kw];
        for (int j = 0; j < kw; j++) offs[j] = j * dw % sw * hp * wq + j * dw / sw;
        ref int orf = ref MemoryMarshal.GetReference(offs);
        for (int y = 0; y < oh; y++)
        {
            int rowBase = y * sh * wq;
            ref float drow = ref Unsafe.Add(ref dr, y * ow);
            if (ow >= 32 && vec)
            {
                for (int x = 0; ; x += 32)
                {
                    if (x > ow - 32) x = ow - 32;
                    var a0 = Vector256.Create(b); var a1 = a0; var a2 = a0; var a3 = a0;
                    for (int i = 0; i < kh; i++)
                    {
                        int r = rowBase + i * dh * wq + x;
                        for (int j = 0; j < kw; j++)
                        {
                            var t = Vector256.Create(Unsafe.Add(ref tr, i * kw + j));
                            ref float q = ref Unsafe.Add(ref pr, r + Unsafe.Add(ref orf, j));
                            a0 = Vector256.FusedMultiplyAdd(t, Vector256.LoadUnsafe(ref q), a0);
                            a1 = Vector256.FusedMultiplyAdd(t, Vector256.LoadUnsafe(ref q, 8), a1);
                            a2 = Vector256.FusedMultiplyAdd(t, Vector256.LoadUnsafe(ref q, 16), a2);
                            a3 = Vector256.FusedMultiplyAdd(t, Vector256.LoadUnsafe(ref q, 24), a3);
                        }
                    }
                    a0.StoreUnsafe(ref drow, (nuint)x);
                    a1.StoreUnsafe(ref drow, (nuint)(x + 8));
                    a2.StoreUnsafe(ref drow, (nuint)(x + 16));
                    a3.StoreUnsafe(ref drow, (nuint)(x + 24));
                    if (x == ow - 32) break;
                }
                continue;
            }
            if (vec)
            {
                for (int x = 0; ; x += 8)
                {
                    if (x > ow - 8) x = ow - 8;
                    var a = Vector256.Create(b);
                    for (int i = 0; i < kh; i++)
                    {
                        int r = rowBase + i * dh * wq + x;
                        for (int j = 0; j < kw; j++)
                            a = Vector256.FusedMultiplyAdd(Vector256.Create(Unsafe.Add(ref tr, i * kw + j)), Vector256.LoadUnsafe(ref pr, (nuint)(r + Unsafe.Add(ref orf, j))), a);
                    }
                    a.StoreUnsafe(ref drow, (nuint)x);
                    if (x == ow - 8) break;
                }
                continue;
            }
            for (int x = 0; x < ow; x++)
            {
                float a = b;
                for (int i = 0; i < kh; i++)
                {
                    int r = rowBase + i * dh * wq + x;
                    for (int j = 0; j < kw; j++) a += Unsafe.Add(ref tr, i * kw + j) * Unsafe.Add(ref pr, r + Unsafe.Add(ref orf, j));
                }
                Unsafe.Add(ref drow, x) = a;
            }
        }
    }

    // Height and width of the padded input plane the output needs: (O-1)*S + (K-1)*D + 1.
    static int PaddedH(in ConvGeometry g) => (g.OutH - 1) * g.SH + (g.KH - 1) * g.DH + 1;
    static int PaddedW(in ConvGeometry g) => (g.OutW - 1) * g.SW + (g.KW - 1) * g.DW + 1;

    // Row pitch of one column phase of the padded plane: ceil(PaddedW / SW).
    static int PhaseW(in ConvGeometry g) => (PaddedW(g) + g.SW - 1) / g.SW;

    /// <summary>
    /// The padded plane P[r, c] = src[r - top, c - left] (zero outside the source; negative offsets crop it) of
    /// hp x wp cells, stored in <paramref name="s"/> column phases: P[r, c] lives at (c % s)*hp*wq + r*wq + c / s, so a
    /// stride-s correlation reads contiguous runs (s = 1: the plain row-major plane with pitch wq = wp). Only the
    /// source cells are written: the caller clears the buffer once, and the border stays zero for every plane of the
    /// same geometry.
    /// </summary>
    static void PadPlane(ReadOnlySpan<float> src, int h, int w, int top, int left, float[] pad, int hp, int wp, int s, int wq)
    {
        int c0 = Math.Max(0, left), s0 = Math.Max(0, -left);
        int cn = Math.Max(0, Math.Min(wp - c0, w - s0));
        if (cn == 0) return;
        int rA = Math.Max(0, top), rB = Math.Min(hp, h + top);
        ref float sr = ref MemoryMarshal.GetReference(src);
        ref float pr = ref MemoryMarshal.GetArrayDataReference(pad);
        for (int r = rA; r < rB; r++)
        {
            ref float srow = ref Unsafe.Add(ref sr, (r - top) * w + s0);
            if (s == 1)
            {
                ref float d = ref Unsafe.Add(ref pr, r * wq + c0);
                int i = 0;
                if (Vector256.IsHardwareAccelerated)
                    for (; i <= cn - 8; i += 8) Vector256.LoadUnsafe(ref srow, (nuint)i).StoreUnsafe(ref d, (nuint)i);
                for (; i < cn; i++) Unsafe.Add(ref d, i) = Unsafe.Add(ref srow, i);
                continue;
            }
            for (int q = 0; q < s; q++)
            {
                int c = c0 + ((q - c0 % s) + s) % s;            // first column of phase q at or after c0
                ref float d = ref Unsafe.Add(ref pr, q * hp * wq + r * wq);
                for (int i = c / s; c < c0 + cn; c += s, i++) Unsafe.Add(ref d, i) = Unsafe.Add(ref srow, c - c0);
            }
        }
    }

    static void Check(string op, in ConvGeometry g)
    {
        if (!g.IsDepthwise2d) throw new ArgumentException($"{op}: the geometry is not a depthwise convolution on at most 2 spatial axes.");
    }
}
