using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Fovea.Kernels;

/// <summary>A unary map that carries parameters (an instance struct), at every SIMD width.</summary>
public interface IUnaryFn
{
    float Invoke(float x);
    Vector128<float> Invoke(Vector128<float> x);
    Vector256<float> Invoke(Vector256<float> x);
    Vector512<float> Invoke(Vector512<float> x);
}

/// <summary>A binary map that carries parameters (an instance struct), at every SIMD width.</summary>
public interface IBinaryFn
{
    float Invoke(float a, float b);
    Vector128<float> Invoke(Vector128<float> a, Vector128<float> b);
    Vector256<float> Invoke(Vector256<float> a, Vector256<float> b);
    Vector512<float> Invoke(Vector512<float> a, Vector512<float> b);
}

/// <summary>Loop drivers for parameterised maps (<see cref="IUnaryFn"/>, <see cref="IBinaryFn"/>) over dense spans; the widest accelerated vector, then a scalar tail.</summary>
public static class ParamMap
{
    /// <summary>dst[i] = op(x[i]).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Unary<TOp>(TOp op, ReadOnlySpan<float> x, Span<float> dst) where TOp : struct, IUnaryFn
    {
        if (x.Length > dst.Length) throw new ArgumentException("ParamMap.Unary: destination too short.");
        ref float xs = ref MemoryMarshal.GetReference(x);
        ref float ds = ref MemoryMarshal.GetReference(dst);
        int n = x.Length, i = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; i <= n - 16; i += 16) op.Invoke(Vector512.LoadUnsafe(ref xs, (nuint)i)).StoreUnsafe(ref ds, (nuint)i);
        else if (Vector256.IsHardwareAccelerated)
            for (; i <= n - 8; i += 8) op.Invoke(Vector256.LoadUnsafe(ref xs, (nuint)i)).StoreUnsafe(ref ds, (nuint)i);
        else if (Vector128.IsHardwareAccelerated)
            for (; i <= n - 4; i += 4) op.Invoke(Vector128.LoadUnsafe(ref xs, (nuint)i)).StoreUnsafe(ref ds, (nuint)i);
        for (; i < n; i++) Unsafe.Add(ref ds, i) = op.Invoke(Unsafe.Add(ref xs, i));
    }

    /// <summary>dst[i] = op(a[i], b[i]).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Binary<TOp>(TOp op, ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> dst) where TOp : struct, IBinaryFn
    {
        if (a.Length != b.Length || a.Length > dst.Length) throw new ArgumentException("ParamMap.Binary: length mismatch.");
        ref float aS = ref MemoryMarshal.GetReference(a);
        ref float bS = ref MemoryMarshal.GetReference(b);
        ref float ds = ref MemoryMarshal.GetReference(dst);
        int n = a.Length, i = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; i <= n - 16; i += 16) op.Invoke(Vector512.LoadUnsafe(ref aS, (nuint)i), Vector512.LoadUnsafe(ref bS, (nuint)i)).StoreUnsafe(ref ds, (nuint)i);
        else if (Vector256.IsHardwareAccelerated)
            for (; i <= n - 8; i += 8) op.Invoke(Vector256.LoadUnsafe(ref aS, (nuint)i), Vector256.LoadUnsafe(ref bS, (nuint)i)).StoreUnsafe(ref ds, (nuint)i);
        else if (Vector128.IsHardwareAccelerated)
            for (; i <= n - 4; i += 4) op.Invoke(Vector128.LoadUnsafe(ref aS, (nuint)i), Vector128.LoadUnsafe(ref bS, (nuint)i)).StoreUnsafe(ref ds, (nuint)i);
        for (; i < n; i++) Unsafe.Add(ref ds, i) = op.Invoke(Unsafe.Add(ref aS, i), Unsafe.Add(ref bS, i));
    }

    /// <summary>Elements below which one thread maps everything (an elementwise pass costs ~1 ns per element).</summary>
    internal const int ParallelThreshold = 1 << 17;

    /// <summary><see cref="Unary{TOp}"/> over arrays, split into coarse chunks across <see cref="Parallelism.MaxThreads"/> threads when large.</summary>
    public static void UnaryParallel<TOp>(TOp op, float[] x, int xOff, float[] dst, int dstOff, int n) where TOp : struct, IUnaryFn
    {
        int chunks = Chunks(n);
        if (chunks <= 1) { Unary(op, x.AsSpan(xOff, n), dst.AsSpan(dstOff, n)); return; }
        Parallelism.For(chunks, new UnaryChunk<TOp>(op, x, xOff, dst, dstOff, n, chunks));
    }

    /// <summary><see cref="Binary{TOp}"/> over arrays, split into coarse chunks when large.</summary>
    public static void BinaryParallel<TOp>(TOp op, float[] a, int aOff, float[] b, int bOff, float[] dst, int dstOff, int n) where TOp : struct, IBinaryFn
    {
        int chunks = Chunks(n);
        if (chunks <= 1) { Binary(op, a.AsSpan(aOff, n), b.AsSpan(bOff, n), dst.AsSpan(dstOff, n)); return; }
        Parallelism.For(chunks, new BinaryChunk<TOp>(op, a, aOff, b, bOff, dst, dstOff, n, chunks));
    }

    static int Chunks(int n) => n < ParallelThreshold ? 1 : Math.Min(Parallelism.MaxThreads, n / (ParallelThreshold / 2));

    // Chunk c covers [n·c/chunks, n·(c+1)/chunks), rounded to whole 16-float vectors.
    static (int lo, int len) Range(int c, int n, int chunks)
    {
        int lo = (int)((long)n * c / chunks) & ~15, hi = c == chunks - 1 ? n : (int)((long)n * (c + 1) / chunks) & ~15;
        return (lo, hi - lo);
    }

    readonly struct UnaryChunk<TOp>(TOp op, float[] x, int xOff, float[] dst, int dstOff, int n, int chunks) : Parallelism.IChunk where TOp : struct, IUnaryFn
    {
        public void Run(int c)
        {
            var (lo, len) = Range(c, n, chunks);
            Unary(op, x.AsSpan(xOff + lo, len), dst.AsSpan(dstOff + lo, len));
        }
    }

    readonly struct BinaryChunk<TOp>(TOp op, float[] a, int aOff, float[] b, int bOff, float[] dst, int dstOff, int n, int chunks) : Parallelism.IChunk where TOp : struct, IBinaryFn
    {
        public void Run(int c)
        {
            var (lo, len) = Range(c, n, chunks);
            Binary(op, a.AsSpan(aOff + lo, len), b.AsSpan(bOff + lo, len), dst.AsSpan(dstOff + lo, len));
        }
    }
}
