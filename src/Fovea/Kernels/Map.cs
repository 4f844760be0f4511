using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Fovea.Kernels;

/// <summary>
/// The loop drivers for elementwise maps, one per arity and operand layout, written once. Each picks the widest
/// accelerated vector at JIT time and finishes the tail with one masked-free scalar loop.
/// </summary>
public static class Map
{
    /// <summary>dst[i] = Op(x[i]).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Unary<TOp>(ReadOnlySpan<float> x, Span<float> dst) where TOp : struct, IUnaryOp
    {
        if (x.Length > dst.Length) throw new ArgumentException("Map.Unary: destination too short.");
        ref float xs = ref MemoryMarshal.GetReference(x);
        ref float ds = ref MemoryMarshal.GetReference(dst);
        int n = x.Length, i = 0;
        if (TOp.Vectorizable)
        {
            if (Vector512.IsHardwareAccelerated)
                for (; i <= n - 16; i += 16) TOp.Invoke(Vector512.LoadUnsafe(ref xs, (nuint)i)).StoreUnsafe(ref ds, (nuint)i);
            else if (Vector256.IsHardwareAccelerated)
                for (; i <= n - 8; i += 8) TOp.Invoke(Vector256.LoadUnsafe(ref xs, (nuint)i)).StoreUnsafe(ref ds, (nuint)i);
            else if (Vector128.IsHardwareAccelerated)
                for (; i <= n - 4; i += 4) TOp.Invoke(Vector128.LoadUnsafe(ref xs, (nuint)i)).StoreUnsafe(ref ds, (nuint)i);
        }
        for (; i < n; i++) Unsafe.Add(ref ds, i) = TOp.Invoke(Unsafe.Add(ref xs, i));
    }

    /// <summary>dst[i] = Op(a[i], b[i]).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Binary<TOp>(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> dst) where TOp : struct, IBinaryOp
    {
        if (a.Length != b.Length || a.Length > dst.Length) throw new ArgumentException("Map.Binary: length mismatch.");
        ref float aS = ref MemoryMarshal.GetReference(a);
        ref float bS = ref MemoryMarshal.GetReference(b);
        ref float ds = ref MemoryMarshal.GetReference(dst);
        int n = a.Length, i = 0;
        if (TOp.Vectorizable)
        {
            if (Vector512.IsHardwareAccelerated)
                for (; i <= n - 16; i += 16) TOp.Invoke(Vector512.LoadUnsafe(ref aS, (nuint)i), Vector512.LoadUnsafe(ref bS, (nuint)i)).StoreUnsafe(ref ds, (nuint)i);
            else if (Vector256.IsHardwareAccelerated)
                for (; i <= n - 8; i += 8) TOp.Invoke(Vector256.LoadUnsafe(ref aS, (nuint)i), Vector256.LoadUnsafe(ref bS, (nuint)i)).StoreUnsafe(ref ds, (nuint)i);
            else if (Vector128.IsHardwareAccelerated)
                for (; i <= n - 4; i += 4) TOp.Invoke(Vector128.LoadUnsafe(ref aS, (nuint)i), Vector128.LoadUnsafe(ref bS, (nuint)i)).StoreUnsafe(ref ds, (nuint)i);
        }
        for (; i < n; i++) Unsafe.Add(ref ds, i) = TOp.Invoke(Unsafe.Add(ref aS, i), Unsafe.Add(ref bS, i));
    }

    /// <summary>dst[i] = Op(a[i], b).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void BinaryScalarRight<TOp>(ReadOnlySpan<float> a, float b, Span<float> dst) where TOp : struct, IBinaryOp
    {
        ref float aS = ref MemoryMarshal.GetReference(a);
        ref float ds = ref MemoryMarshal.GetReference(dst);
        int n = a.Length, i = 0;
        if (a.Length > dst.Length) throw new ArgumentException("Map.BinaryScalarRight: destination too short.");
        if (TOp.Vectorizable)
        {
            if (Vector512.IsHardwareAccelerated)
            { var vb = Vector512.Create(b); for (; i <= n - 16; i += 16) TOp.Invoke(Vector512.LoadUnsafe(ref aS, (nuint)i), vb).StoreUnsafe(ref ds, (nuint)i); }
            else if (Vector256.IsHardwareAccelerated)
            { var vb = Vector256.Create(b); for (; i <= n - 8; i += 8) TOp.Invoke(Vector256.LoadUnsafe(ref aS, (nuint)i), vb).StoreUnsafe(ref ds, (nuint)i); }
            else if (Vector128.IsHardwareAccelerated)
            { var vb = Vector128.Create(b); for (; i <= n - 4; i += 4) TOp.Invoke(Vector128.LoadUnsafe(ref aS, (nuint)i), vb).StoreUnsafe(ref ds, (nuint)i); }
        }
        for (; i < n; i++) Unsafe.Add(ref ds, i) = TOp.Invoke(Unsafe.Add(ref aS, i), b);
    }

    /// <summary>dst[i] = Op(a, b[i]).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void BinaryScalarLeft<TOp>(float a, ReadOnlySpan<float> b, Span<float> dst) where TOp : struct, IBinaryOp
    {
        ref float bS = ref MemoryMarshal.GetReference(b);
        ref float ds = ref MemoryMarshal.GetReference(dst);
        int n = b.Length, i = 0;
        if (b.Length > dst.Length) throw new ArgumentException("Map.BinaryScalarLeft: destination too short.");
        if (TOp.Vectorizable)
        {
            if (Vector512.IsHardwareAccelerated)
            { var va = Vector512.Create(a); for (; i <= n - 16; i += 16) TOp.Invoke(va, Vector512.LoadUnsafe(ref bS, (nuint)i)).StoreUnsafe(ref ds, (nuint)i); }
            else if (Vector256.IsHardwareAccelerated)
            { var va = Vector256.Create(a); for (; i <= n - 8; i += 8) TOp.Invoke(va, Vector256.LoadUnsafe(ref bS, (nuint)i)).StoreUnsafe(ref ds, (nuint)i); }
            else if (Vector128.IsHardwareAccelerated)
            { var va = Vector128.Create(a); for (; i <= n - 4; i += 4) TOp.Invoke(va, Vector128.LoadUnsafe(ref bS, (nuint)i)).StoreUnsafe(ref ds, (nuint)i); }
        }
        for (; i < n; i++) Unsafe.Add(ref ds, i) = TOp.Invoke(a, Unsafe.Add(ref bS, i));
    }

    /// <summary>
    /// dst (contiguous, row-major over <paramref name="outDims"/>) = Op(a, b) where a and b are strided views
    /// already broadcast to outDims (stride 0 on broadcast axes). Dimensions that are dense in both operands are
    /// merged first, so the common cases reduce to one of the span drivers above.
    /// </summary>
    public static void BinaryStrided<TOp>(float[] a, int aOff, ReadOnlySpan<int> aStrides, float[] b, int bOff, ReadOnlySpan<int> bStrides,
        ReadOnlySpan<int> outDims, Span<float> dst) where TOp : struct, IBinaryOp
    {
        int rank = outDims.Length;
        Span<int> dims = stackalloc int[Math.Max(rank, 1)];
        Span<int> sa = stackalloc int[Math.Max(rank, 1)];
        Span<int> sb = stackalloc int[Math.Max(rank, 1)];
        // Coalesce: drop size-1 axes, merge an axis into the next when both operands step over it densely.
        int r = 0;
        for (int i = 0; i < rank; i++)
        {
            if (outDims[i] == 1) continue;
            if (r > 0 && sa[r - 1] == aStrides[i] * outDims[i] && sb[r - 1] == bStrides[i] * outDims[i])
            {
                dims[r - 1] *= outDims[i]; sa[r - 1] = aStrides[i]; sb[r - 1] = bStrides[i];
                continue;
            }
            dims[r] = outDims[i]; sa[r] = aStrides[i]; sb[r] = bStrides[i]; r++;
        }
        if (r == 0) { dims[0] = 1; sa[0] = 1; sb[0] = 1; r = 1; }
        int total = 1;
        for (int i = 0; i < r; i++) total *= dims[i];
        if (total == 0) return;

        int inner = dims[r - 1], ia = sa[r - 1], ib = sb[r - 1];
        Span<int> idx = stackalloc int[r];
        int pos = 0, ao = aOff, bo = bOff;
        while (pos < total)
        {
            var d = dst.Slice(pos, inner);
            if (ia == 1 && ib == 1) Binary<TOp>(a.AsSpan(ao, inner), b.AsSpan(bo, inner), d);
            else if (ia == 1 && ib == 0) BinaryScalarRight<TOp>(a.AsSpan(ao, inner), b[bo], d);
            else if (ia == 0 && ib == 1) BinaryScalarLeft<TOp>(a[ao], b.AsSpan(bo, inner), d);
            else for (int i = 0; i < inner; i++) d[i] = TOp.Invoke(a[ao + i * ia], b[bo + i * ib]);
            pos += inner;
            for (int ax = r - 2; ax >= 0; ax--)
            {
                idx[ax]++; ao += sa[ax]; bo += sb[ax];
                if (idx[ax] < dims[ax]) break;
                ao -= sa[ax] * dims[ax]; bo -= sb[ax] * dims[ax]; idx[ax] = 0;
            }
        }
    }
}
