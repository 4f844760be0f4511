using Fovea.Kernels;

namespace Fovea;

public static partial class Ops
{
    /// <summary>
    /// PyTorch's pooled size: floor((in + 2p - d(k-1) - 1 + (ceil ? s-1 : 0)) / s) + 1, and with ceil_mode the
    /// last window must start inside the input or the left padding.
    /// </summary>
    internal static int PoolOutputSize(int input, int k, int s, int p, int d, bool ceilMode)
    {
        long num = (long)input + 2L * p - (long)d * (k - 1) - 1 + (ceilMode ? s - 1 : 0);
        long o = (long)Math.Floor(num / (double)s) + 1;
        if (ceilMode && (o - 1) * s >= input + p) o--;
        return (int)o;
    }

    /// <summary>A per-axis argument given once for all axes or once per axis; null or empty takes the fallback.</summary>
    internal static int[] PoolArg(string op, string name, int[]? v, int dims, int[]? fallback, int fill)
    {
        if (v is null || v.Length == 0)
        {
            if (fallback is not null) return fallback;
            var f = new int[dims];
            Array.Fill(f, fill);
            return f;
        }
        if (v.Length == dims) return (int[])v.Clone();
        if (v.Length == 1) { var r = new int[dims]; Array.Fill(r, v[0]); return r; }
        throw new ArgumentException($"{op}: {name} has {v.Length} values, expected 1 or {dims}.");
    }

    /// <summary>Checks the input rank and returns (spatial axes, planes N·C, padded-to-3-D input sizes).</summary>
    internal static (int dims, int planes, int d, int h, int w) PoolInput(string op, Tensor x, int dims)
    {
        if (dims < 1 || dims > 3) throw new ArgumentException($"{op}: 1, 2 or 3 spatial axes are supported, got {dims}.");
        if (x.Rank != dims + 2)
            throw new ShapeMismatchException($"{op}: expected a {dims + 2}-D input [N,C,{string.Join(",", "DHW"[(3 - dims)..].ToCharArray())}], got {x.Shape}.");
        var s = x.Shape;
        int planes = s[0] * s[1];
        int d = dims == 3 ? s[2] : 1, h = dims >= 2 ? s[^2] : 1, w = s[^1];
        return (dims, planes, d, h, w);
    }

    /// <summary>Validates a windowed pool's arguments and builds its geometry and output shape.</summary>
    internal static (PoolGeometry g, int planes, int[] outDims) PoolSetup(string op, Tensor x, int[] kernel, int[]? stride,
        int[]? padding, int[]? dilation, bool ceilMode)
    {
        int dims = kernel?.Length ?? 0;
        if (dims == 0) throw new ArgumentException($"{op}: kernel size is required.");
        var (_, planes, d, h, w) = PoolInput(op, x, dims);
        var k = kernel!;
        var s = PoolArg(op, "stride", stride, dims, k, 1);
        var p = PoolArg(op, "padding", padding, dims, null, 0);
        var dl = PoolArg(op, "dilation", dilation, dims, null, 1);
        var inSizes = x.Shape.ToArray()[2..];
        var outSizes = new int[dims];
        for (int i = 0; i < dims; i++)
        {
            if (k[i] <= 0) throw new ArgumentException($"{op}: kernel size must be positive, got [{string.Join(",", k)}].");
            if (s[i] <= 0) throw new ArgumentException($"{op}: stride must be positive, got [{string.Join(",", s)}].");
            if (dl[i] <= 0) throw new ArgumentException($"{op}: dilation must be positive, got [{string.Join(",", dl)}].");
            if (p[i] < 0 || p[i] > k[i] / 2)
                throw new ArgumentException($"{op}: padding must be between 0 and half the kernel size, got padding [{string.Join(",", p)}] for kernel [{string.Join(",", k)}].");
            outSizes[i] = PoolOutputSize(inSizes[i], k[i], s[i], p[i], dl[i], ceilMode);
            if (outSizes[i] < 1)
                throw new ShapeMismatchException($"{op}: input {x.Shape} is too small for kernel [{string.Join(",", k)}], dilation [{string.Join(",", dl)}], padding [{string.Join(",", p)}]: output size would be {outSizes[i]}.");
        }
        int off = 3 - dims;
        int At(int[] a, int axis, int def) => axis < off ? def : a[axis - off];
        var g = new PoolGeometry(d, h, w, At(outSizes, 0, 1), At(outSizes, 1, 1), At(outSizes, 2, 1),
            At(k, 0, 1), At(k, 1, 1), At(k, 2, 1), At(s, 0, 1), At(s, 1, 1), At(s, 2, 1),
            At(p, 0, 0), At(p, 1, 0), At(p, 2, 0), At(dl, 0, 1), At(dl, 1, 1), At(dl, 2, 1));
        var outDims = new int[dims + 2];
        outDims[0] = x.Shape[0]; outDims[1] = x.Shape[1];
        outSizes.CopyTo(outDims, 2);
        return (g, planes, outDims);
    }

    /// <summary>The elements of <paramref name="t"/> as a contiguous span (copying a strided view), without autograd.</summary>
    internal static ReadOnlySpan<float> PoolDense(Tensor t) => (t.IsContiguous ? t : ContiguousCopy(t)).Span;
}
