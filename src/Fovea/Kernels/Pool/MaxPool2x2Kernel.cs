using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Fovea.Kernels;

/// <summary>
/// The common 2x2, stride-2, unpadded max pool over contiguous [planes, H, W] buffers (floor mode: an odd last row
/// or column is ignored), without an index buffer. The forward takes the vertical maximum of two input rows with
/// SIMD and then the maximum of each adjacent pair; the backward recomputes which of the four window elements was
/// chosen by comparing them with the saved output, with the rule of the general kernel (<see cref="MaxPoolKernel"/>):
/// the first element equal to the maximum in row-major window order, or the last NaN when the window holds one.
/// </summary>
public static unsafe class MaxPool2x2Kernel
{
    /// <summary>y[p, i, j] = max of x[p, 2i..2i+1, 2j..2j+1] for i &lt; H/2, j &lt; W/2.</summary>
    public static void Forward(ReadOnlySpan<float> x, Span<float> y, int planes, int h, int w)
    {
        int oh = h / 2, ow = w / 2;
        if (x.Length < (long)planes * h * w || y.Length < (long)planes * oh * ow)
            throw new ArgumentException("MaxPool2x2Kernel.Forward: buffer too small.");
        if (planes == 0 || oh == 0 || ow == 0) return;
        fixed (float* px = x, py = y)
        {
            var body = new ForwardBody { X = px, Y = py, H = h, W = w, RowStride = w, PlaneStride = (long)h * w };
            PlaneLoop.Run(planes, (long)h * w, ref body);
        }
    }

    /// <summary><see cref="Forward"/> on the calling thread only (for callers that are already one of several workers).</summary>
    internal static void ForwardSerial(float* x, float* y, int planes, int h, int w)
        => ForwardSerial(x, (long)h * w, w, y, planes, h, w);

    /// <summary><see cref="ForwardSerial(float*, float*, int, int, int)"/> over planes whose rows are <paramref name="rowStride"/>
    /// floats apart and planes <paramref name="planeStride"/> apart (e.g. a kernel's padded output grid); y is dense.</summary>
    internal static void ForwardSerial(float* x, long planeStride, int rowStride, float* y, int planes, int h, int w)
    {
        if (planes == 0 || h / 2 == 0 || w / 2 == 0) return;
        new ForwardBody { X = x, Y = y, H = h, W = w, RowStride = rowStride, PlaneStride = planeStride }.Run(0, planes);
    }

    /// <summary>
    /// gx[p, 2i+a, 2j+b] = g[p, i, j] where that element was the window's chosen maximum (see the class summary),
    /// else 0; every element of gx is written (rows and columns outside any window get 0).
    /// </summary>
    public static void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> g, Span<float> gx, int planes, int h, int w)
    {
        int oh = h / 2, ow = w / 2;
        long inN = (long)planes * h * w, outN = (long)planes * oh * ow;
        if (x.Length < inN || gx.Length < inN || y.Length < outN || g.Length < outN)
            throw new ArgumentException("MaxPool2x2Kernel.Backward: buffer too small.");
        if (planes == 0) return;
        fixed (float* px = x, py = y, pg = g, pgx = gx)
        {
            var body = new BackwardBody { X = px, Y = py, G = pg, GX = pgx, H = h, W = w };
            PlaneLoop.Run(planes, (long)h * w, ref body);
        }
    }

    struct ForwardBody : PlaneLoop.IBody
    {
        public float* X, Y;
        public int H, W, RowStride;
        public long PlaneStride;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public readonly void Run(int lo, int hi)
        {
            int oh = H / 2, ow = W / 2;
            for (int p = lo; p < hi; p++)
                for (int i = 0; i < oh; i++)
                {
                    float* r0 = X + p * PlaneStride + 2 * i * (long)RowStride, r1 = r0 + RowStride;
                    float* yo = Y + ((long)p * oh + i) * ow;
                    int j = 0;
                    if (Avx2.IsSupported)
                    {
                        // Eight outputs per step: the same in 256-bit lanes, then the 64-bit quarters put back in order.
                        for (; j <= ow - 8; j += 8)
                        {
                            var a = Vector256.Max(Vector256.Load(r0 + 2 * j), Vector256.Load(r1 + 2 * j));
                            var b = Vector256.Max(Vector256.Load(r0 + 2 * j + 8), Vector256.Load(r1 + 2 * j + 8));
                            var m = Vector256.Max(Avx.Shuffle(a, b, 0b10_00_10_00), Avx.Shuffle(a, b, 0b11_01_11_01));
                            Avx2.Permute4x64(m.AsDouble(), 0b11_01_10_00).AsSingle().Store(yo + j);
                        }
                    }
                    if (Sse.IsSupported && Vector128.IsHardwareAccelerated)
                    {
                        // Four outputs per step: the vertical maxima of 8 columns, then the maxima of the even and odd lanes.
                        for (; j <= ow - 4; j += 4)
                        {
                            var a = Vector128.Max(Vector128.Load(r0 + 2 * j), Vector128.Load(r1 + 2 * j));
                            var b = Vector128.Max(Vector128.Load(r0 + 2 * j + 4), Vector128.Load(r1 + 2 * j + 4));
                            var even = Sse.Shuffle(a, b, 0b10_00_10_00);
                            var odd = Sse.Shuffle(a, b, 0b11_01_11_01);
                            Vector128.Max(even, odd).Store(yo + j);
                        }
                        // A last step that ends at the row's end, overlapping outputs already written (with the same
                        // values): narrow planes (14 or 7 outputs a row) would otherwise spend most time in the scalar tail.
                        if (j < ow && ow >= 4)
                        {
                            int k = ow - 4;
                            var a = Vector128.Max(Vector128.Load(r0 + 2 * k), Vector128.Load(r1 + 2 * k));
                            var b = Vector128.Max(Vector128.Load(r0 + 2 * k + 4), Vector128.Load(r1 + 2 * k + 4));
                            Vector128.Max(Sse.Shuffle(a, b, 0b10_00_10_00), Sse.Shuffle(a, b, 0b11_01_11_01)).Store(yo + k);
                            j = ow;
                        }
                    }
                    for (; j < ow; j++)
                        yo[j] = Max4(r0[2 * j], r0[2 * j + 1], r1[2 * j], r1[2 * j + 1]);
                }
        }
    }

    struct BackwardBody : PlaneLoop.IBody
    {
        public float* X, Y, G, GX;
        public int H, W;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public readonly void Run(int lo, int hi)
        {
            int oh = H / 2, ow = W / 2;
            for (int p = lo; p < hi; p++)
            {
                for (int i = 0; i < oh; i++)
                {
                    long r = (long)p * H + 2 * i;
                    float* x0 = X + r * W, x1 = x0 + W, g0 = GX + r * W, g1 = g0 + W;
                    float* yo = Y + ((long)p * oh + i) * ow, go = G + ((long)p * oh + i) * ow;
                    int j = 0;
                    if (Sse.IsSupported && Vector128.IsHardwareAccelerated)
                        for (; j <= ow - 4; j += 4)
                        {
                            var m = Vector128.Load(yo + j);
                            if (!Vector128.EqualsAll(m, m)) { Scalar(x0, x1, g0, g1, yo, go, j, j + 4); continue; }
                            var gv = Vector128.Load(go + j);
                            for (int half = 0; half < 2; half++)
                            {
                                // Two outputs: lanes (a0, b0, a1, b1) of the top row and (c0, d0, c1, d1) of the bottom row.
                                var mm = half == 0 ? Sse.UnpackLow(m, m) : Sse.UnpackHigh(m, m);
                                var gg = half == 0 ? Sse.UnpackLow(gv, gv) : Sse.UnpackHigh(gv, gv);
                                int at = 2 * j + 4 * half;
                                var e0 = Vector128.Equals(Vector128.Load(x0 + at), mm);
                                var e1 = Vector128.Equals(Vector128.Load(x1 + at), mm);
                                var odd = Vector128.Create(0, -1, 0, -1).AsSingle();
                                var left0 = Sse.Shuffle(e0, e0, 0b10_10_00_00);       // (a, a) per pair
                                var any0 = e0 | Sse.Shuffle(e0, e0, 0b10_11_00_01);    // a or b, per pair
                                var left1 = Sse.Shuffle(e1, e1, 0b10_10_00_00);
                                var s0 = Vector128.AndNot(e0, left0 & odd);
                                var s1 = Vector128.AndNot(Vector128.AndNot(e1, left1 & odd), any0);
                                (s0 & gg).Store(g0 + at);
                                (s1 & gg).Store(g1 + at);
                            }
                        }
                    Scalar(x0, x1, g0, g1, yo, go, j, ow);
                    if ((W & 1) != 0) { g0[W - 1] = 0f; g1[W - 1] = 0f; }
                }
                if ((H & 1) != 0) new Span<float>(GX + ((long)p * H + H - 1) * W, W).Clear();
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        static void Scalar(float* x0, float* x1, float* g0, float* g1, float* yo, float* go, int from, int to)
        {
            for (int j = from; j < to; j++)
            {
                float m = yo[j], gv = go[j];
                float a = x0[2 * j], b = x0[2 * j + 1], c = x1[2 * j], d = x1[2 * j + 1];
                int sel;
                if (!float.IsNaN(m)) sel = a == m ? 0 : b == m ? 1 : c == m ? 2 : 3;
                else sel = float.IsNaN(d) ? 3 : float.IsNaN(c) ? 2 : float.IsNaN(b) ? 1 : 0;
                g0[2 * j] = sel == 0 ? gv : 0f;
                g0[2 * j + 1] = sel == 1 ? gv : 0f;
                g1[2 * j] = sel == 2 ? gv : 0f;
                g1[2 * j + 1] = sel == 3 ? gv : 0f;
            }
        }
    }

    // The general kernel's rule: a NaN wins (the last one), otherwise the first strict maximum.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static float Max4(float a, float b, float c, float d)
    {
        float best = a;
        if (b > best || float.IsNaN(b)) best = b;
        if (c > best || float.IsNaN(c)) best = c;
        if (d > best || float.IsNaN(d)) best = d;
        return best;
    }
}
