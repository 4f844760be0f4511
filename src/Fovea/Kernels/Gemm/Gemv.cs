using System.Numerics.Tensors;

namespace Fovea.Kernels;

/// <summary>
/// y[r, o] = act(x[r, :]·w[o, :] + b[o]) for a few rows of x, straight from the row-major weight [outF, inF]: a
/// single sample's fully-connected layer, where GEMM would pack the whole weight to use it once. Each output is one
/// <see cref="TensorPrimitives.Dot(ReadOnlySpan{float}, ReadOnlySpan{float})"/> plus the bias, so the result does not
/// depend on the thread count.
/// </summary>
public static unsafe class Gemv
{
    /// <summary>
    /// Weights of at least this many floats are split over the threads by output rows. A batch-1 forward is bound by
    /// reading the weight; split, each core streams its share from its own L2 on the next call (fmnist-cnn's 3136x128
    /// layer: 1.6 MB, 0.8 MB a core, within Zen 5's 1 MB L2).
    /// </summary>
    const long ParallelFloats = 1 << 17;

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
                var xr = new ReadOnlySpan<float>(x + (long)r * inF, inF);
                var yr = new Span<float>(y + (long)r * outF + o0, o1 - o0);
                for (int o = o0; o < o1; o++) yr[o - o0] = TensorPrimitives.Dot(xr, new ReadOnlySpan<float>(w + (long)o * inF, inF));
                if (b != null) TensorPrimitives.Add(yr, new ReadOnlySpan<float>(b + o0, o1 - o0), yr);
                if (act == GemmActivation.Relu) Map.Unary<ReluOp>(yr, yr);
            }
        }
    }
}
