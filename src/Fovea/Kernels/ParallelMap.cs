namespace Fovea.Kernels;

/// <summary>
/// The <see cref="Map"/> drivers split over threads for large arrays (activations of a whole batch): contiguous
/// chunks of at least <see cref="MinChunk"/> elements, at most one per thread. Elementwise, so the result does not
/// depend on the thread count. In place (dst overlapping a source at the same index) is allowed, as for Map.
/// </summary>
public static unsafe class ParallelMap
{
    /// <summary>Elements below which one thread does the whole map.</summary>
    public const int MinChunk = 1 << 17;

    /// <summary>dst[i] = Op(x[i]).</summary>
    public static void Unary<TOp>(ReadOnlySpan<float> x, Span<float> dst) where TOp : struct, IUnaryOp
    {
        if (x.Length > dst.Length) throw new ArgumentException("ParallelMap.Unary: destination too short.");
        int chunks = Chunks(x.Length);
        if (chunks <= 1) { Map.Unary<TOp>(x, dst); return; }
        fixed (float* px = x, pd = dst)
            Parallelism.For(chunks, new UnaryChunk<TOp>(px, pd, x.Length, chunks));
    }

    /// <summary>dst[i] = Op(a[i], b[i]).</summary>
    public static void Binary<TOp>(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> dst) where TOp : struct, IBinaryOp
    {
        if (a.Length != b.Length || a.Length > dst.Length) throw new ArgumentException("ParallelMap.Binary: length mismatch.");
        int chunks = Chunks(a.Length);
        if (chunks <= 1) { Map.Binary<TOp>(a, b, dst); return; }
        fixed (float* pa = a, pb = b, pd = dst)
            Parallelism.For(chunks, new BinaryChunk<TOp>(pa, pb, pd, a.Length, chunks));
    }

    static int Chunks(int n) => (int)Math.Min(Parallelism.MaxThreads, Math.Max(1, n / MinChunk));

    // Chunk c covers [n·c/chunks, n·(c+1)/chunks), rounded to 16 elements so that only the last chunk has a tail.
    static (int lo, int len) Range(int n, int c, int chunks)
    {
        int lo = c == 0 ? 0 : (int)((long)n * c / chunks) & ~15;
        int hi = c == chunks - 1 ? n : (int)((long)n * (c + 1) / chunks) & ~15;
        return (lo, hi - lo);
    }

    readonly struct UnaryChunk<TOp>(float* x, float* dst, int n, int chunks) : Parallelism.IChunk where TOp : struct, IUnaryOp
    {
        public void Run(int c)
        {
            var (lo, len) = Range(n, c, chunks);
            Map.Unary<TOp>(new ReadOnlySpan<float>(x + lo, len), new Span<float>(dst + lo, len));
        }
    }

    readonly struct BinaryChunk<TOp>(float* a, float* b, float* dst, int n, int chunks) : Parallelism.IChunk where TOp : struct, IBinaryOp
    {
        public void Run(int c)
        {
            var (lo, len) = Range(n, c, chunks);
            Map.Binary<TOp>(new ReadOnlySpan<float>(a + lo, len), new ReadOnlySpan<float>(b + lo, len), new Span<float>(dst + lo, len));
        }
    }
}
