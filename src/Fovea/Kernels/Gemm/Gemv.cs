using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Fovea.Kernels;

/// <summary>
/// y[r, o] = act(x[r, :]·w[o, :] + b[o]) for a few rows of x, straight from the row-major weight [outF, inF]: a
/// single sample's fully-connected layer, where GEMM would pack the whole weight to use it once. With AVX-512 four
/// weight rows are read against each vector of x, each row summing into two accumulators (alternate vectors), so the
/// loop is bound by loads rather than by the latency of one running sum (TensorPrimitives.Dot: ~2.7 cycles per vector,
/// bench/NOTES.md). A row's sum is formed the same way whether it is one of four or alone, and each output is that
/// sum plus the bias, so the result does not depend on the thread count.
/// </summary>
public static unsafe class Gemv
{
    /// <summary>
    /// Weights of at least this many floats are split over the threads by output rows. A batch-1 forward is bound by
    /// reading the weight; split, each core streams its share from its own L2 on the next call (fmnist-cnn's 3136x128
    /// layer: 1.6 MB, 0.8 MB a core, within Zen 5's 1 MB L2).
    /// </summary>
    const long ParallelFloats = 1 << 17;

    const int L = 16;

    public static void Run(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> b, Span<float> y, int rows, int outF, int inF, GemmActivation act)
    {
        if (x.Length < (long)rows * inF || w.Length < (long)outF * inF || y.Length < (long)rows * outF || !b.IsEmpty && b.Length < outF)
            throw new ArgumentException($"Gemv: spans too short for {rows} rows, {outF}x{inF} weight (x {x.Length}, w {w.Length}, b {b.Length}, y {y.Length}).");
        int parts = (long)outF * inF >= ParallelFloats ? Math.Max(1, Math.Min(Parallelism.MaxThreads, outF)) : 1;
        fixed (float* px = x, pw = w, pb = b, py = y)
            Parallelism.For(parts, new Job(px, pw, b.IsEmpty ? null : pb, py, rows, outF, inF, act, parts));
    }

    readonly struct Job(float* x, float* w, float* b, float* y, int rows, int outF, int inF, GemmActivation act, int parts) : Parallelism.IChunk
    {
        public void Run(int t)
        {
            int o0 = (int)((long)outF * t / parts), o1 = (int)((long)outF * (t + 1) / parts);
            for (int r = 0; r < rows; r++)
            {
                float* xr = x + (long)r * inF;
                var yr = new Span<float>(y + (long)r * outF + o0, o1 - o0);
                int o = o0;
                if (Vector512.IsHardwareAccelerated)
                {
                    for (; o + 4 <= o1; o += 4)
                        Dot4(xr, w + (long)o * inF, inF, yr.Slice(o - o0, 4));
                    for (; o < o1; o++) yr[o - o0] = Dot1(xr, w + (long)o * inF, inF);
                }
                else
                    for (; o < o1; o++) yr[o - o0] = TensorPrimitives.Dot(new ReadOnlySpan<float>(xr, inF), new ReadOnlySpan<float>(w + (long)o * inF, inF));
                if (b != null) TensorPrimitives.Add(yr, new ReadOnlySpan<float>(b + o0, o1 - o0), yr);
                if (act == GemmActivation.Relu) Map.Unary<ReluOp>(yr, yr);
            }
        }
    }

    // Rows w, w + n, w + 2n, w + 3n against x; per row: even vectors into one accumulator, odd ones into another, a
    // last odd vector into the first, then the two added and summed across lanes, then the scalar tail in order.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Dot4(float* x, float* w, int n, Span<float> dst)
    {
        float* w1 = w + n, w2 = w1 + n, w3 = w2 + n;
        Vector512<float> a0 = default, b0 = default, a1 = default, b1 = default, a2 = default, b2 = default, a3 = default, b3 = default;
        int i = 0;
        for (; i + 2 * L <= n; i += 2 * L)
        {
            var u = Vector512.Load(x + i); var v = Vector512.Load(x + i + L);
            a0 = Vector512.FusedMultiplyAdd(u, Vector512.Load(w + i), a0); b0 = Vector512.FusedMultiplyAdd(v, Vector512.Load(w + i + L), b0);
            a1 = Vector512.FusedMultiplyAdd(u, Vector512.Load(w1 + i), a1); b1 = Vector512.FusedMultiplyAdd(v, Vector512.Load(w1 + i + L), b1);
            a2 = Vector512.FusedMultiplyAdd(u, Vector512.Load(w2 + i), a2); b2 = Vector512.FusedMultiplyAdd(v, Vector512.Load(w2 + i + L), b2);
            a3 = Vector512.FusedMultiplyAdd(u, Vector512.Load(w3 + i), a3); b3 = Vector512.FusedMultiplyAdd(v, Vector512.Load(w3 + i + L), b3);
        }
        if (i + L <= n)
        {
            var u = Vector512.Load(x + i);
            a0 = Vector512.FusedMultiplyAdd(u, Vector512.Load(w + i), a0);
            a1 = Vector512.FusedMultiplyAdd(u, Vector512.Load(w1 + i), a1);
            a2 = Vector512.FusedMultiplyAdd(u, Vector512.Load(w2 + i), a2);
            a3 = Vector512.FusedMultiplyAdd(u, Vector512.Load(w3 + i), a3);
            i += L;
        }
        dst[0] = Tail(Vector512.Sum(a0 + b0), x, w, i, n);
        dst[1] = Tail(Vector512.Sum(a1 + b1), x, w1, i, n);
        dst[2] = Tail(Vector512.Sum(a2 + b2), x, w2, i, n);
        dst[3] = Tail(Vector512.Sum(a3 + b3), x, w3, i, n);
    }

    // One row, summed exactly as each row of Dot4.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static float Dot1(float* x, float* w, int n)
    {
        Vector512<float> a = default, b = default;
        int i = 0;
        for (; i + 2 * L <= n; i += 2 * L)
        {
            a = Vector512.FusedMultiplyAdd(Vector512.Load(x + i), Vector512.Load(w + i), a);
            b = Vector512.FusedMultiplyAdd(Vector512.Load(x + i + L), Vector512.Load(w + i + L), b);
        }
        if (i + L <= n) { a = Vector512.FusedMultiplyAdd(Vector512.Load(x + i), Vector512.Load(w + i), a); i += L; }
        return Tail(Vector512.Sum(a + b), x, w, i, n);
    }

    static float Tail(float s, float* x, float* w, int i, int n)
    {
        for (; i < n; i++) s = MathF.FusedMultiplyAdd(x[i], w[i], s);
        return s;
    }
}
