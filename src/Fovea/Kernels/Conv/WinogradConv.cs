using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Fovea.Kernels;

/// <summary>
/// Winograd convolution for 2-D 3x3 kernels, stride 1, padding 1 on every side, dilation 1, one group (output size =
/// input size): F(4x4,3x3) (6x6 input tiles) or F(2x2,3x3) (4x4 tiles), chosen per geometry (<see cref="Choose"/>). Used by <see cref="ConvKernel"/>'s forward and
/// input gradient (the input gradient of such a convolution is the same convolution of dY with the kernel rotated by
/// 180° and the channels swapped) for the shapes where it measures faster (<see cref="Applies"/>, bench/NOTES.md).
/// <para>Layout: the work is cut into blocks of about <see cref="TileTarget"/> tiles (whole small images, or bands of
/// tile rows of a large one). Per block: the input rows are transposed to channels-last with a zero border (8x8 SIMD
/// transposes), each tile is transformed with <see cref="Vector512{T}"/> arithmetic across 16 channels into
/// V[position][tile][channel], one GEMM per transform position M[p] = V[p]·U[p] (tiles x Cin times Cin x Cout, U the
/// transformed weight [position][Cin][Cout], read in place by GEMM), then the output transform (bias and ReLU fused)
/// writes channels-last rows that are transposed back into NCHW. Threads take whole blocks; every output element is
/// computed by one thread in an order fixed by the geometry, so results do not depend on the thread count.</para>
/// <para>Error: the transforms cost accuracy (F(4x4) more than F(2x2)); see the tests and bench/NOTES.md.</para>
/// </summary>
public static unsafe class WinogradConv
{
    /// <summary>Tile size of the transform; Auto: <see cref="Choose"/> picks one per geometry.</summary>
    internal enum Variant { Auto, F2x2, F4x4 }

    /// <summary>The variant the public entry points use (settable for the benchmark harness and tests).</summary>
    internal static Variant Selected = Variant.Auto;

    /// <summary>
    /// F(4x4) needs 36/16 = 2.25 products per output pixel against F(2x2)'s 4, but rounds the image up to a multiple of
    /// 4: on 14x14 it computes 16x16 and its bigger tiles lose to F(2x2) (`tune winograd`, bench/NOTES.md). F(4x4) when
    /// its padded product count is below 0.65 of F(2x2)'s (exact multiples of 4 give 0.5625; 14x14 gives 0.73).
    /// </summary>
    internal static Variant Choose(in ConvGeometry g)
    {
        long f2 = 16L * ((g.OutH + 1) / 2) * ((g.OutW + 1) / 2), f4 = 36L * ((g.OutH + 3) / 4) * ((g.OutW + 3) / 4);
        return f4 < 0.65 * f2 ? Variant.F4x4 : Variant.F2x2;
    }

    /// <summary>Tiles per block (one GEMM's rows): enough to amortise GEMM's packing, few enough to stay near L2.</summary>
    internal static int TileTarget = 128;

    /// <summary>Channels from which the dispatch uses Winograd (both input and output channels): at 16 channels the 16 or
    /// 36 products per block are too small for GEMM and im2col wins by 2-4x; from 32 on Winograd wins (bench/NOTES.md).</summary>
    internal static int MinChannels = 32;

    /// <summary>Whether set, <see cref="Applies"/> is false (for A/B timings and tests of the other path).</summary>
    internal static bool Disabled;

    const int Lanes = 16;

    /// <summary>
    /// Whether <see cref="ConvKernel"/> should run this geometry here: a 3x3 stride-1 "same" 2-D convolution without
    /// groups or dilation, with at least <see cref="MinChannels"/> channels on both sides, on AVX-512 hardware (where it
    /// was measured to win; elsewhere the vector arithmetic would be emulated or narrower).
    /// </summary>
    internal static bool Applies(in ConvGeometry g) =>
        !Disabled && Vector512.IsHardwareAccelerated && Supports(g)
        && g.InChannels >= MinChannels && g.OutChannels >= MinChannels && g.Batch > 0 && EnoughTiles(g);

    /// <summary>
    /// The weight is transformed on every call (Alpha² x Cin x Cout values, written position by position), which only
    /// pays when enough tiles share it: at least 32 tiles per image (14x14 and larger), or a full block over the
    /// batch. 7x7 images have 4 tiles each: at 512 channels Winograd took 12.7 ms vs 3.9 for im2col+GEMM at batch 2,
    /// 14.6 vs 14.4 at batch 16 and won only from 32 (17.7 vs 20.1); `tune winograd-tiles`, bench/NOTES.md.
    /// </summary>
    static bool EnoughTiles(in ConvGeometry g)
    {
        int m = (Selected == Variant.Auto ? Choose(g) : Selected) == Variant.F4x4 ? 4 : 2;
        long perImage = (long)((g.OutH + m - 1) / m) * ((g.OutW + m - 1) / m);
        return perImage >= 32 || perImage * g.Batch >= TileTarget;
    }

    /// <summary>The geometries the kernel computes correctly (any channel counts and sizes).</summary>
    internal static bool Supports(in ConvGeometry g) =>
        g.Groups == 1 && g.KD == 1 && g.InD == 1 && g.OutD == 1 && g.KH == 3 && g.KW == 3 && g.SH == 1 && g.SW == 1
        && g.PH == 1 && g.PW == 1 && g.DH == 1 && g.DW == 1 && g.OutH == g.InH && g.OutW == g.InW;

    /// <summary>y = act(conv(x, w) + b) for a geometry <see cref="Supports"/> accepts. Bias may be empty.</summary>
    public static void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> bias, Span<float> y, in ConvGeometry g,
        GemmActivation act = GemmActivation.None) => Forward(x, w, bias, y, g, act, Selected == Variant.Auto ? Choose(g) : Selected);

    internal static void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> bias, Span<float> y, in ConvGeometry g,
        GemmActivation act, Variant v)
    {
        Check(g);
        g.CheckLengths("WinogradConv.Forward", x.Length, w.Length, y.Length);
        ConvKernel.CheckBias("WinogradConv.Forward", bias, g);
        if (g.OutputLength == 0) return;
        fixed (float* px = x, pw = w, pb = bias, py = y)
        {
            if (v == Variant.F4x4) Convolve<F4>(px, pw, bias.IsEmpty ? null : pb, py, null, g, false, act);
            else Convolve<F2>(px, pw, bias.IsEmpty ? null : pb, py, null, g, false, act);
        }
    }

    /// <summary>
    /// pooled = 2x2 stride-2 floor-mode max pool of act(conv(x, w) + b) ([Batch, OutChannels, OutH/2, OutW/2]) for a
    /// geometry <see cref="Supports"/> accepts. The tiles (2x2 or 4x4 outputs, at even coordinates) hold whole pool
    /// windows, so each window is reduced in the output transform and only the pooled values are transposed back:
    /// the full-size output is never written. Bitwise the same as <see cref="Forward(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, in ConvGeometry, GemmActivation)"/>
    /// followed by <see cref="MaxPool2x2Kernel.Forward"/> (the same maxima in the same order).
    /// </summary>
    internal static void ForwardMaxPool2x2(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> bias, Span<float> pooled, in ConvGeometry g,
        GemmActivation act)
    {
        Check(g);
        g.CheckLengths("WinogradConv.ForwardMaxPool2x2", x.Length, w.Length, (int)g.OutputLength);
        ConvKernel.CheckBias("WinogradConv.ForwardMaxPool2x2", bias, g);
        long pooledLength = (long)g.Batch * g.OutChannels * (g.OutH / 2) * (g.OutW / 2);
        if (pooled.Length < pooledLength) throw new ArgumentException($"WinogradConv.ForwardMaxPool2x2: pooled has {pooled.Length} values, expected {pooledLength}.");
        if (pooledLength == 0) return;
        var v = Selected == Variant.Auto ? Choose(g) : Selected;
        fixed (float* px = x, pw = w, pb = bias, pp = pooled)
        {
            if (v == Variant.F4x4) Convolve<F4>(px, pw, bias.IsEmpty ? null : pb, null, pp, g, false, act);
            else Convolve<F2>(px, pw, bias.IsEmpty ? null : pb, null, pp, g, false, act);
        }
    }

    /// <summary>dx = d(sum(conv(x, w) · dy))/dx for a geometry <see cref="Supports"/> accepts. Overwrites dx.</summary>
    public static void BackwardInput(ReadOnlySpan<float> dy, ReadOnlySpan<float> w, Span<float> dx, in ConvGeometry g)
        => BackwardInput(dy, w, dx, g, Selected == Variant.Auto ? Choose(g) : Selected);

    internal static void BackwardInput(ReadOnlySpan<float> dy, ReadOnlySpan<float> w, Span<float> dx, in ConvGeometry g, Variant v)
    {
        Check(g);
        g.CheckLengths("WinogradConv.BackwardInput", dx.Length, w.Length, dy.Length);
        if (g.InputLength == 0) return;
        fixed (float* pdy = dy, pw = w, pdx = dx)
        {
            if (v == Variant.F4x4) Convolve<F4>(pdy, pw, null, pdx, null, g, true, GemmActivation.None);
            else Convolve<F2>(pdy, pw, null, pdx, null, g, true, GemmActivation.None);
        }
    }

    static void Check(in ConvGeometry g)
    {
        if (!Supports(g))
            throw new ArgumentException($"WinogradConv: needs a 2-D 3x3 kernel, stride 1, padding 1, dilation 1, one group; got kernel {g.KH}x{g.KW}, stride {g.SH}x{g.SW}, padding {g.PH}x{g.PW}, dilation {g.DH}x{g.DW}, groups {g.Groups}.");
    }

    static int Pad(int c) => (c + Lanes - 1) / Lanes * Lanes;

    // Forward: K = Cin, N = Cout, U[p][ci][co] from w[co][ci]. Backward input: K = Cout, N = Cin, U[p][co][ci] from the
    // kernel rotated by 180°. With pooled set (forward only), y is unused and the output is max-pooled 2x2 into pooled.
    static void Convolve<T>(float* x, float* w, float* bias, float* y, float* pooled, in ConvGeometry g, bool backward, GemmActivation act) where T : struct, ITile
    {
        int ci = g.InChannels, co = g.OutChannels;
        int kc = backward ? co : ci, nc = backward ? ci : co, nPad = Pad(nc);
        int a2 = T.Alpha * T.Alpha;
        float[] gk = RentScratch(kc * 9 * nPad);
        float[] u = RentScratch(a2 * kc * nPad);
        float[] bp = RentScratch(nPad);
        try
        {
            fixed (float* pg0 = gk, pu0 = u, pbias0 = bp)
            {
                float* pg = Align(pg0), pu = Align(pu0), pbias = Align(pbias0);
                // gk[k][tap][n], the weight with the N channels innermost (zero pad lanes).
                if (nPad != nc) new Span<float>(pg, kc * 9 * nPad).Clear();
                if (!backward) Transpose8.RunParallel(w, ci * 9, pg, nPad, co, ci * 9);
                else
                    for (int o = 0; o < co; o++) Transpose8.Run(w + (long)o * ci * 9, 9, pg + (long)o * 9 * nPad, nPad, ci, 9);
                int wparts = (long)a2 * kc * nPad < 1 << 18 ? 1 : Math.Min(Parallelism.MaxThreads, kc);
                Parallelism.For(wparts, new WeightTransformJob<T>(pg, kc, nPad, backward, pu, wparts));
                var bs = new Span<float>(pbias, nPad);
                bs.Clear();
                if (bias != null) new ReadOnlySpan<float>(bias, nc).CopyTo(bs);
                var plan = new Plan(g.Batch, kc, nc, g.InH, g.InW, T.M);
                int chunks = ConvKernel.Workers(g.Macs, plan.Units);
                Parallelism.For(chunks, new Job<T>(plan, x, pu, pbias, y, pooled, chunks, act));
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(gk);
            ArrayPool<float>.Shared.Return(u);
            ArrayPool<float>.Shared.Return(bp);
        }
    }

    // The weight transform over the threads: each takes a range of the K channels (the values written do not depend on it).
    readonly struct WeightTransformJob<T>(float* gk, int kc, int nPad, bool rotate, float* u, int parts) : Parallelism.IChunk where T : struct, ITile
    {
        public void Run(int t) => TransformWeight<T>(gk, kc, nPad, rotate, u, ConvKernel.Split(kc, parts, t), ConvKernel.Split(kc, parts, t + 1));
    }

    // U[p][k][n] = (G·g·Gᵀ)[p] per (k, n) for k in [k0, k1), vectorised over n; g[i][j] = gk[k][3i+j][n] (rotated:
    // gk[k][8-3i-j][n]).
    static void TransformWeight<T>(float* gk, int kc, int nPad, bool rotate, float* u, int k0, int k1) where T : struct, ITile
    {
        int a = T.Alpha, nv = nPad / Lanes;
        nint pos = (nint)kc * nv;   // stride between transform positions, in vectors
        var gv = stackalloc Vector512<float>[9];
        var tmp = stackalloc Vector512<float>[3 * 8];
        var src = (Vector512<float>*)gk;
        var dst = (Vector512<float>*)u;
        for (int k = k0; k < k1; k++)
            for (int v = 0; v < nv; v++)
            {
                for (int t = 0; t < 9; t++) gv[t] = src[((nint)k * 9 + (rotate ? 8 - t : t)) * nv + v];
                for (int j = 0; j < 3; j++) T.Kernel(gv + j, 3, tmp + j, 3);          // tmp[i][j] = (G·g)[i][j]
                for (int i = 0; i < a; i++) T.Kernel(tmp + i * 3, 1, dst + (nint)i * a * pos + (nint)k * nv + v, pos);
            }
    }

    /// <summary>How the tiles are cut into blocks: several whole images, or bands of tile rows of one image.</summary>
    readonly struct Plan
    {
        public readonly int Batch, K, N, H, W, M, TilesY, TilesX, Images, Bands, Units, MaxRows, KPad, NPad;

        public Plan(int batch, int k, int n, int h, int w, int m)
        {
            Batch = batch; K = k; N = n; H = h; W = w; M = m;
            TilesY = (h + m - 1) / m; TilesX = (w + m - 1) / m;
            KPad = Pad(k); NPad = Pad(n);
            int perImage = TilesY * TilesX;
            if (perImage >= TileTarget)
            {
                Images = 1;
                Bands = Math.Max(1, (int)Math.Round((double)perImage / TileTarget));
                Bands = Math.Min(Bands, TilesY);
                Units = batch * Bands;
                MaxRows = (TilesY + Bands - 1) / Bands;
            }
            else
            {
                // At least two blocks when there are two images, so that both threads of a 2-core machine get one
                // (7x7 images at batch 32 were one block of 128 tiles); a fixed rule, not the thread count, so the
                // weight gradient's summation order does not depend on the threads.
                Images = Math.Clamp(TileTarget / perImage, 1, Math.Max(1, (batch + 1) / 2));
                Bands = 1;
                Units = (batch + Images - 1) / Images;
                MaxRows = TilesY;
            }
        }

        public int MaxTiles => Images * MaxRows * TilesX;

        /// <summary>Block <paramref name="unit"/>: images n0 .. n0+cnt-1, tile rows [r0, r1).</summary>
        public (int n0, int cnt, int r0, int r1) Block(int unit)
        {
            if (Bands == 1) { int n0 = unit * Images; return (n0, Math.Min(Images, Batch - n0), 0, TilesY); }
            int b = unit % Bands;
            return (unit / Bands, 1, ConvKernel.Split(TilesY, Bands, b), ConvKernel.Split(TilesY, Bands, b + 1));
        }

        public int GridW => TilesX * M + 2;
        public int InRows => MaxRows * M + 2;
        public int OutW => TilesX * M;
        public int OutRows => MaxRows * M;
    }

    // Scratch buffers are used from a 64-byte boundary (a rented array's data starts wherever the allocator put it), so
    // that the Vector512 loads and stores of the transforms and GEMM never straddle two cache lines: RentScratch rents
    // room for n floats after that boundary, Align finds it in the pinned array.
    static float[] RentScratch(int n) => ArrayPool<float>.Shared.Rent(n + 16);
    static float* Align(float* p) => (float*)(((nint)p + 63) & ~(nint)63);

    // With pooled set, each tile's outputs are max-pooled 2x2 in the output transform (tiles start at even coordinates
    // and have an even side, so they hold whole windows) into a pooled channels-last grid, and y is unused.
    readonly struct Job<T>(Plan p, float* x, float* u, float* bias, float* y, float* pooled, int chunks, GemmActivation act) : Parallelism.IChunk
        where T : struct, ITile
    {
        public void Run(int t)
        {
            int u0 = ConvKernel.Split(p.Units, chunks, t), u1 = ConvKernel.Split(p.Units, chunks, t + 1);
            if (u0 >= u1) return;
            int m = T.M, a = T.Alpha, a2 = a * a;
            int kp = p.KPad, np = p.NPad, nv = np / Lanes;
            int gw = p.GridW, inRows = p.InRows, ow = p.OutW, outRows = p.OutRows;
            int giLen = p.Images * inRows * gw * kp, vLen = a2 * p.MaxTiles * kp, mLen = a2 * p.MaxTiles * np;
            bool pool = pooled != null;
            // The channels-last output grid: full size, or one value per 2x2 window when pooling (a tile then covers
            // m/2 x m/2 grid cells); step 5 writes outH x outWidth planes.
            int shrink = pool ? 2 : 1, cell = m / shrink;
            int gridRows = outRows / shrink, gridW = ow / shrink;
            int outH = p.H / shrink, outWidth = p.W / shrink, outPlane = outH * outWidth;
            float[] gridIn = RentScratch(giLen);
            float[] vb = RentScratch(vLen);
            float[] mb = RentScratch(mLen);
            float[] gridOut = RentScratch(p.Images * gridRows * gridW * np);
            var tmp = stackalloc Vector512<float>[64];
            try
            {
                fixed (float* gi0 = gridIn, vp0 = vb, mp0 = mb, go0 = gridOut)
                {
                    float* gi = Align(gi0), vp = Align(vp0), mp = Align(mp0), go = Align(go0);
                    // Pad lanes (channels K..KPad, N..NPad) are never written below: zero them once.
                    if (kp != p.K) new Span<float>(gi, giLen).Clear();
                    if (np != p.N) new Span<float>(mp, mLen).Clear();
                    var bv = (Vector512<float>*)bias;
                    for (int unit = u0; unit < u1; unit++)
                    {
                        var (n0, cnt, r0, r1) = p.Block(unit);
                        // 1-2. Input rows to channels-last (zero border), input transform: V[pos][tile][k].
                        int tiles = InputTiles<T>(p, x, p.K, n0, cnt, r0, r1, gi, vp, tmp);
                        int rows = r1 - r0;

                        // 3. One product per transform position: M[pos] (tiles x N) = V[pos] (tiles x K) · U[pos] (K x N).
                        for (int pos = 0; pos < a2; pos++)
                            Gemm.Execute(new Gemm.Args(false, false, tiles, p.N, p.K, 1f, vp + (long)pos * tiles * kp, kp,
                                u + (long)pos * p.K * np, np, 0f, mp + (long)pos * tiles * np, np, null, null, GemmActivation.None), Gemm.Selected, 1);

                        // 4. Output transform (+ bias, activation) into channels-last output rows, or their 2x2 maxima.
                        var mv = (Vector512<float>*)mp;
                        var ov = (Vector512<float>*)go;
                        nint mPos = (nint)tiles * nv;
                        bool relu = act == GemmActivation.Relu;
                        var outT = tmp + 48;
                        var rowPair = tmp + 56;   // two rows of activated outputs (M ≤ 4 each)
                        int ti = 0;
                        for (int j = 0; j < cnt; j++)
                            for (int ty = 0; ty < rows; ty++)
                                for (int tx = 0; tx < p.TilesX; tx++, ti++)
                                {
                                    var src = mv + (nint)ti * nv;
                                    var dst = ov + ((nint)(j * gridRows + ty * cell) * gridW + tx * cell) * nv;
                                    nint rs = (nint)gridW * nv;
                                    for (int c = 0; c < nv; c++)
                                    {
                                        var bc = bv[c];
                                        for (int col = 0; col < a; col++) T.Output(src + c + col * mPos, a * mPos, tmp + col, a);   // tmp[i][col]
                                        for (int i = 0; i < m; i++)
                                        {
                                            T.Output(tmp + i * a, 1, outT, 1);
                                            if (!pool)
                                            {
                                                var d = dst + c + i * rs;
                                                for (int q = 0; q < m; q++)
                                                {
                                                    var r = outT[q] + bc;
                                                    d[q * nv] = relu ? Vector512.Max(r, Vector512<float>.Zero) : r;
                                                }
                                                continue;
                                            }
                                            var row = rowPair + (i & 1) * m;
                                            for (int q = 0; q < m; q++)
                                            {
                                                var r = outT[q] + bc;
                                                row[q] = relu ? Vector512.Max(r, Vector512<float>.Zero) : r;
                                            }
                                            if ((i & 1) == 0) continue;
                                            // The window's maximum as MaxPool2x2Kernel takes it: each column's (top, bottom), then (left, right).
                                            var d2 = dst + c + (i / 2) * rs;
                                            for (int q = 0; q < m; q += 2)
                                                d2[q / 2 * nv] = Vector512.Max(Vector512.Max(rowPair[q], rowPair[m + q]), Vector512.Max(rowPair[q + 1], rowPair[m + q + 1]));
                                        }
                                    }
                                }

                        // 5. Back to NCHW, the rows inside the image (pooled: the H/2 x W/2 windows inside it).
                        float* dstBase = pool ? pooled : y;
                        for (int j = 0; j < cnt; j++)
                        {
                            float* ys = dstBase + (long)(n0 + j) * p.N * outPlane;
                            for (int i = 0; i < rows * cell; i++)
                            {
                                int yy = r0 * cell + i;
                                if (yy >= outH) break;
                                Transpose8.Run(go + ((long)(j * gridRows + i) * gridW) * np, np, ys + (long)yy * outWidth, outPlane, outWidth, p.N);
                            }
                        }
                    }
                }
            }
            finally
            {
                ArrayPool<float>.Shared.Return(gridIn);
                ArrayPool<float>.Shared.Return(vb);
                ArrayPool<float>.Shared.Return(mb);
                ArrayPool<float>.Shared.Return(gridOut);
            }
        }
    }

    /// <summary>dw = d(sum(conv(x, w) · dy))/dw for a geometry <see cref="Supports"/> accepts, in the transform domain:
    /// Σ over tiles of (A·dY·Aᵀ) ⊙ (Bᵀ·x·B) as one GEMM per position, then Gᵀ·(·)·G. Overwrites dw.</summary>
    public static void BackwardWeight(ReadOnlySpan<float> dy, ReadOnlySpan<float> x, Span<float> dw, in ConvGeometry g)
        => BackwardWeight(dy, x, dw, g, Selected == Variant.Auto ? Choose(g) : Selected);

    internal static void BackwardWeight(ReadOnlySpan<float> dy, ReadOnlySpan<float> x, Span<float> dw, in ConvGeometry g, Variant v)
    {
        Check(g);
        g.CheckLengths("WinogradConv.BackwardWeight", x.Length, dw.Length, dy.Length);
        if (g.WeightLength == 0) return;
        if (g.OutputLength == 0) { dw[..(int)g.WeightLength].Clear(); return; }
        fixed (float* pdy = dy, px = x, pdw = dw)
        {
            if (v == Variant.F4x4) WeightGrad<F4>(px, pdy, pdw, g);
            else WeightGrad<F2>(px, pdy, pdw, g);
        }
    }

    // Partial sums of the weight gradient: a number fixed by the geometry (not the thread count), so the summation order,
    // and the result, do not depend on the threads.
    const int WeightParts = 2;

    static void WeightGrad<T>(float* x, float* dy, float* dw, in ConvGeometry g) where T : struct, ITile
    {
        int ci = g.InChannels, co = g.OutChannels, kp = Pad(ci), kv = kp / Lanes, a = T.Alpha, a2 = a * a;
        var plan = new Plan(g.Batch, ci, co, g.InH, g.InW, T.M);
        int parts = Math.Min(plan.Units, WeightParts);
        int accLen = a2 * co * kp;
        float[] acc = RentScratch(parts * accLen);
        float[] wt = RentScratch(co * 9 * kp);
        try
        {
            fixed (float* pa0 = acc, pw0 = wt)
            {
                float* pa = Align(pa0), pw = Align(pw0);
                var job = new WeightJob<T>(plan, x, dy, pa, accLen, parts);
                if (ConvKernel.Workers(g.Macs, parts) > 1) Parallelism.For(parts, job);
                else for (int i = 0; i < parts; i++) job.Run(i);
                var sum = new Span<float>(pa, accLen);
                for (int i = 1; i < parts; i++) System.Numerics.Tensors.TensorPrimitives.Add(sum, new ReadOnlySpan<float>(pa + (long)i * accLen, accLen), sum);
                // dW[o][c] = Gᵀ·dU[o][c]·G, 16 input channels at a time, into wt[o][tap][c], then to [o][c][tap].
                var tmp = stackalloc Vector512<float>[3 * 8];
                var av = (Vector512<float>*)pa;
                var wv = (Vector512<float>*)pw;
                nint pos = (nint)co * kv;
                for (int o = 0; o < co; o++)
                {
                    for (int c = 0; c < kv; c++)
                    {
                        var src = av + (nint)o * kv + c;
                        for (int l = 0; l < a; l++) T.KernelT(src + l * pos, a * pos, tmp + l, a);   // tmp[i][l]
                        for (int i = 0; i < 3; i++) T.KernelT(tmp + i * a, 1, wv + ((nint)o * 9 + i * 3) * kv + c, kv);
                    }
                    Transpose8.Run(pw + (long)o * 9 * kp, kp, dw + (long)o * ci * 9, 9, 9, ci);
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(acc);
            ArrayPool<float>.Shared.Return(wt);
        }
    }

    // Part `part` of the blocks: acc[part][pos] (Cout x Cin, row stride KPad) = Σ over its tiles of D[pos]ᵀ·V[pos], with
    // D[pos][tile][o] the transformed output gradient and V[pos][tile][c] the transformed input.
    readonly struct WeightJob<T>(Plan p, float* x, float* dy, float* acc, int accLen, int parts) : Parallelism.IChunk where T : struct, ITile
    {
        public void Run(int part)
        {
            int u0 = ConvKernel.Split(p.Units, parts, part), u1 = ConvKernel.Split(p.Units, parts, part + 1);
            int m = T.M, a = T.Alpha, a2 = a * a;
            int kp = p.KPad, np = p.NPad, nv = np / Lanes, ow = p.OutW, outRows = p.OutRows;
            float* accp = acc + (long)part * accLen;
            int giLen = p.Images * p.InRows * p.GridW * kp, gdLen = p.Images * outRows * ow * np;
            float[] gridIn = RentScratch(giLen);
            float[] vb = RentScratch(a2 * p.MaxTiles * kp);
            float[] gridDy = RentScratch(gdLen);
            float[] db = RentScratch(a2 * p.MaxTiles * np);
            var tmp = stackalloc Vector512<float>[64];
            try
            {
                fixed (float* gi0 = gridIn, vp0 = vb, gd0 = gridDy, dp0 = db)
                {
                    float* gi = Align(gi0), vp = Align(vp0), gd = Align(gd0), dp = Align(dp0);
                    if (kp != p.K) new Span<float>(gi, giLen).Clear();
                    if (np != p.N) new Span<float>(gd, gdLen).Clear();
                    for (int unit = u0; unit < u1; unit++)
                    {
                        var (n0, cnt, r0, r1) = p.Block(unit);
                        int tiles = InputTiles<T>(p, x, p.K, n0, cnt, r0, r1, gi, vp, tmp);
                        int rows = r1 - r0;
                        LoadRows(p, dy, p.N, np, n0, cnt, r0 * m, rows * m, outRows, ow, 0, gd);
                        var dv = (Vector512<float>*)dp;
                        var gv = (Vector512<float>*)gd;
                        nint dPos = (nint)tiles * nv, rs = (nint)ow * nv;
                        int ti = 0;
                        for (int j = 0; j < cnt; j++)
                            for (int ty = 0; ty < rows; ty++)
                                for (int tx = 0; tx < p.TilesX; tx++, ti++)
                                {
                                    var src = gv + ((nint)(j * outRows + ty * m) * ow + tx * m) * nv;
                                    var dst = dv + (nint)ti * nv;
                                    for (int c = 0; c < nv; c++)
                                    {
                                        for (int q = 0; q < m; q++) T.OutputT(src + c + q * nv, rs, tmp + q, m);   // tmp[k][q] = (A·dy)[k][q]
                                        for (int k = 0; k < a; k++) T.OutputT(tmp + k * m, 1, dst + c + k * a * dPos, dPos);
                                    }
                                }
                        float beta = unit == u0 ? 0f : 1f;
                        for (int pos = 0; pos < a2; pos++)
                            Gemm.Execute(new Gemm.Args(true, false, p.N, p.K, tiles, 1f, dp + (long)pos * tiles * np, np,
                                vp + (long)pos * tiles * kp, kp, beta, accp + (long)pos * p.N * kp, kp, null, null, GemmActivation.None), Gemm.Selected, 1);
                    }
                }
            }
            finally
            {
                ArrayPool<float>.Shared.Return(gridIn);
                ArrayPool<float>.Shared.Return(vb);
                ArrayPool<float>.Shared.Return(gridDy);
                ArrayPool<float>.Shared.Return(db);
            }
        }
    }

    // Rows [row0, row0 + count) of images n0 .. n0+cnt-1 of src ([batch][channels][H][W]) into grid
    // [cnt][gridRows][gridW][chPad], channels last, the image's columns starting at pixel `left`; pixels outside the
    // image are zero. Channel lanes chPad > channels are left as they are.
    static void LoadRows(in Plan p, float* src, int channels, int chPad, int n0, int cnt, int row0, int count, int gridRows, int gridW, int left, float* grid)
    {
        int hw = p.H * p.W;
        for (int j = 0; j < cnt; j++)
        {
            float* xs = src + (long)(n0 + j) * channels * hw;
            for (int gr = 0; gr < count; gr++)
            {
                int yy = row0 + gr;
                float* row = grid + ((long)(j * gridRows + gr) * gridW) * chPad;
                if (yy < 0 || yy >= p.H) { new Span<float>(row, gridW * chPad).Clear(); continue; }
                if (left > 0) new Span<float>(row, left * chPad).Clear();
                new Span<float>(row + (long)(p.W + left) * chPad, (gridW - p.W - left) * chPad).Clear();
                Transpose8.Run(xs + (long)yy * p.W, hw, row + (long)left * chPad, chPad, channels, p.W);
            }
        }
    }

    // The input tiles of tile rows [r0, r1) of images n0 .. n0+cnt-1 of x (k channels), transformed: V[pos][tile][kPad].
    // gi: the channels-last input grid (zero pad lanes). Returns the number of tiles.
    static int InputTiles<T>(in Plan p, float* x, int k, int n0, int cnt, int r0, int r1, float* gi, float* vp, Vector512<float>* tmp) where T : struct, ITile
    {
        int m = T.M, a = T.Alpha, kp = Pad(k), kv = kp / Lanes, gw = p.GridW, inRows = p.InRows;
        int rows = r1 - r0, tiles = cnt * rows * p.TilesX;
        LoadRows(p, x, k, kp, n0, cnt, r0 * m - 1, rows * m + 2, inRows, gw, 1, gi);
        var vv = (Vector512<float>*)vp;
        nint vPos = (nint)tiles * kv, rs = (nint)gw * kv;
        int ti = 0;
        for (int j = 0; j < cnt; j++)
            for (int ty = 0; ty < rows; ty++)
                for (int tx = 0; tx < p.TilesX; tx++, ti++)
                {
                    var src = (Vector512<float>*)(gi + ((long)(j * inRows + ty * m) * gw + tx * m) * kp);
                    var dst = vv + (nint)ti * kv;
                    for (int c = 0; c < kv; c++)
                    {
                        for (int col = 0; col < a; col++) T.Input(src + c + col * kv, rs, tmp + col, a);   // tmp[i][col] = (Bᵀ·d)[i][col]
                        for (int i = 0; i < a; i++) T.Input(tmp + i * a, 1, dst + c + i * a * vPos, vPos);
                    }
                }
        return tiles;
    }

    /// <summary>The 1-D transforms of one Winograd variant, on 16 channels at a time; strides are in vectors.</summary>
    interface ITile
    {
        /// <summary>Outputs per tile side.</summary>
        static abstract int M { get; }
        /// <summary>Inputs per tile side (M + 2).</summary>
        static abstract int Alpha { get; }
        /// <summary>o[i·os] = (Bᵀ·d)[i] for the Alpha values d[i·ds].</summary>
        static abstract void Input(Vector512<float>* d, nint ds, Vector512<float>* o, nint os);
        /// <summary>o[i·os] = (Aᵀ·m)[i] for the Alpha values m[i·ms] (M outputs).</summary>
        static abstract void Output(Vector512<float>* m, nint ms, Vector512<float>* o, nint os);
        /// <summary>o[i·os] = (G·g)[i] for the 3 values g[i·gs] (Alpha outputs).</summary>
        static abstract void Kernel(Vector512<float>* g, nint gs, Vector512<float>* o, nint os);
        /// <summary>o[i·os] = (A·y)[i] for the M values y[i·ys] (Alpha outputs): the output gradient's transform.</summary>
        static abstract void OutputT(Vector512<float>* y, nint ys, Vector512<float>* o, nint os);
        /// <summary>o[i·os] = (Gᵀ·u)[i] for the Alpha values u[i·us] (3 outputs): back from the transform domain.</summary>
        static abstract void KernelT(Vector512<float>* u, nint us, Vector512<float>* o, nint os);
    }

    // F(4,3) with the points 0, ±1, ±2, ∞.
    readonly struct F4 : ITile
    {
        public static int M => 4;
        public static int Alpha => 6;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Input(Vector512<float>* d, nint ds, Vector512<float>* o, nint os)
        {
            Vector512<float> d0 = d[0], d1 = d[ds], d2 = d[2 * ds], d3 = d[3 * ds], d4 = d[4 * ds], d5 = d[5 * ds];
            var four = Vector512.Create(4f);
            var mfour = Vector512.Create(-4f);
            var mfive = Vector512.Create(-5f);
            var two = Vector512.Create(2f);
            o[0] = Vector512.FusedMultiplyAdd(four, d0, Vector512.FusedMultiplyAdd(mfive, d2, d4));
            o[os] = Vector512.FusedMultiplyAdd(mfour, d1 + d2, d3 + d4);
            o[2 * os] = Vector512.FusedMultiplyAdd(four, d1 - d2, d4 - d3);
            var t = d3 - d1;
            var s = d4 - d2;
            o[3 * os] = Vector512.FusedMultiplyAdd(two, t, s);
            o[4 * os] = Vector512.FusedMultiplyAdd(-two, t, s);
            o[5 * os] = Vector512.FusedMultiplyAdd(four, d1, Vector512.FusedMultiplyAdd(mfive, d3, d5));
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Output(Vector512<float>* m, nint ms, Vector512<float>* o, nint os)
        {
            Vector512<float> m0 = m[0], m1 = m[ms], m2 = m[2 * ms], m3 = m[3 * ms], m4 = m[4 * ms], m5 = m[5 * ms];
            var a = m1 + m2;
            var b = m1 - m2;
            var c = m3 + m4;
            var d = m3 - m4;
            o[0] = m0 + a + c;
            o[os] = Vector512.FusedMultiplyAdd(Vector512.Create(2f), d, b);
            o[2 * os] = Vector512.FusedMultiplyAdd(Vector512.Create(4f), c, a);
            o[3 * os] = Vector512.FusedMultiplyAdd(Vector512.Create(8f), d, b) + m5;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Kernel(Vector512<float>* g, nint gs, Vector512<float>* o, nint os)
        {
            Vector512<float> g0 = g[0], g1 = g[gs], g2 = g[2 * gs];
            var s = g0 + g2;
            var sixth = Vector512.Create(-1f / 6f);
            o[0] = g0 * 0.25f;
            o[os] = (s + g1) * sixth;
            o[2 * os] = (s - g1) * sixth;
            var t = Vector512.FusedMultiplyAdd(Vector512.Create(1f / 24f), g0, g2 * (1f / 6f));
            o[3 * os] = Vector512.FusedMultiplyAdd(Vector512.Create(1f / 12f), g1, t);
            o[4 * os] = Vector512.FusedMultiplyAdd(Vector512.Create(-1f / 12f), g1, t);
            o[5 * os] = g2;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void OutputT(Vector512<float>* y, nint ys, Vector512<float>* o, nint os)
        {
            Vector512<float> y0 = y[0], y1 = y[ys], y2 = y[2 * ys], y3 = y[3 * ys];
            var s02 = y0 + y2;
            var s13 = y1 + y3;
            var t02 = Vector512.FusedMultiplyAdd(Vector512.Create(4f), y2, y0);
            var t13 = Vector512.FusedMultiplyAdd(Vector512.Create(8f), y3, y1 + y1);
            o[0] = y0;
            o[os] = s02 + s13;
            o[2 * os] = s02 - s13;
            o[3 * os] = t02 + t13;
            o[4 * os] = t02 - t13;
            o[5 * os] = y3;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void KernelT(Vector512<float>* u, nint us, Vector512<float>* o, nint os)
        {
            Vector512<float> u0 = u[0], u1 = u[us], u2 = u[2 * us], u3 = u[3 * us], u4 = u[4 * us], u5 = u[5 * us];
            var s12 = u1 + u2;
            var s34 = u3 + u4;
            var sixth = Vector512.Create(1f / 6f);
            o[0] = Vector512.FusedMultiplyAdd(u0, Vector512.Create(0.25f), Vector512.FusedMultiplyAdd(s34, Vector512.Create(1f / 24f), -(s12 * sixth)));
            o[os] = Vector512.FusedMultiplyAdd(u2 - u1, sixth, (u3 - u4) * (1f / 12f));
            o[2 * os] = Vector512.FusedMultiplyAdd(s34 - s12, sixth, u5);
        }
    }

    // F(2,3) with the points 0, ±1, ∞.
    readonly struct F2 : ITile
    {
        public static int M => 2;
        public static int Alpha => 4;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Input(Vector512<float>* d, nint ds, Vector512<float>* o, nint os)
        {
            Vector512<float> d0 = d[0], d1 = d[ds], d2 = d[2 * ds], d3 = d[3 * ds];
            o[0] = d0 - d2;
            o[os] = d1 + d2;
            o[2 * os] = d2 - d1;
            o[3 * os] = d1 - d3;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Output(Vector512<float>* m, nint ms, Vector512<float>* o, nint os)
        {
            Vector512<float> m0 = m[0], m1 = m[ms], m2 = m[2 * ms], m3 = m[3 * ms];
            o[0] = m0 + m1 + m2;
            o[os] = m1 - m2 - m3;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Kernel(Vector512<float>* g, nint gs, Vector512<float>* o, nint os)
        {
            Vector512<float> g0 = g[0], g1 = g[gs], g2 = g[2 * gs];
            var s = (g0 + g2) * 0.5f;
            var h = g1 * 0.5f;
            o[0] = g0;
            o[os] = s + h;
            o[2 * os] = s - h;
            o[3 * os] = g2;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void OutputT(Vector512<float>* y, nint ys, Vector512<float>* o, nint os)
        {
            Vector512<float> y0 = y[0], y1 = y[ys];
            o[0] = y0;
            o[os] = y0 + y1;
            o[2 * os] = y0 - y1;
            o[3 * os] = -y1;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void KernelT(Vector512<float>* u, nint us, Vector512<float>* o, nint os)
        {
            Vector512<float> u0 = u[0], u1 = u[us], u2 = u[2 * us], u3 = u[3 * us];
            var s = (u1 + u2) * 0.5f;
            o[0] = u0 + s;
            o[os] = (u1 - u2) * 0.5f;
            o[2 * os] = s + u3;
        }
    }
}
