using Fovea.Kernels;

namespace Fovea;

/// <summary>
/// Shape and argument checks shared by <see cref="Ops.Conv"/> and <see cref="Ops.ConvTranspose"/>: every failure
/// names the op, the shapes and the argument.
/// </summary>
internal static class ConvArgs
{
    /// <summary>"Conv1d".."Conv3d" from the weight's rank ("Conv" when the rank is unusable).</summary>
    public static string Name(string stem, int weightRank) => weightRank is >= 3 and <= 5 ? $"{stem}{weightRank - 2}d" : stem;

    static readonly string[] Layouts = ["[N,C,L]", "[N,C,H,W]", "[N,C,D,H,W]"];
    static readonly string[] KernelLayouts = ["k", "kH,kW", "kD,kH,kW"];

    /// <summary>Checks ranks; returns the number of spatial axes.</summary>
    static int Ranks(string op, Shape x, Shape w, string weightLayout)
    {
        int n = w.Rank - 2;
        if (n is < 1 or > 3)
            throw new ShapeMismatchException($"{op}: weight {w} must have 3 to 5 axes [{weightLayout},*kernel] (1 to 3 spatial axes), got {w.Rank}.");
        if (x.Rank != w.Rank)
            throw new ShapeMismatchException($"{op}: input {x} has {x.Rank} axes, expected {w.Rank} {Layouts[n - 1]} for weight {w}.");
        return n;
    }

    /// <summary>Expands a per-axis argument given once or per axis (or, with <paramref name="allowPairs"/>, as 2N begin/end values).</summary>
    static int[] PerAxis(string op, string name, int[] v, int n, bool allowPairs, int min)
    {
        ArgumentNullException.ThrowIfNull(v, name);
        int[] r;
        if (v.Length == n || (allowPairs && v.Length == 2 * n)) r = (int[])v.Clone();
        else if (v.Length == 1) { r = new int[allowPairs ? 2 * n : n]; Array.Fill(r, v[0]); }
        else throw new ArgumentException($"{op}: {name} {Shape.Format(v)} needs 1 or {n}{(allowPairs ? $" or {2 * n}" : "")} entries for {n} spatial axes{(allowPairs ? $" ({2 * n}: begins, then ends)" : "")}.", name);
        foreach (int e in r)
            if (e < min) throw new ArgumentException($"{op}: {name} {Shape.Format(v)} must be {(min == 0 ? "non-negative" : "positive")}.", name);
        if (allowPairs && r.Length == n) r = [.. r, .. r];
        return r;
    }

    /// <summary>Geometry and output shape of <c>Conv</c>; padding as N symmetric or 2N ONNX-ordered entries.</summary>
    public static (ConvGeometry geo, int[] outShape) Conv(string op, Shape x, Shape w, Shape? b, int[] stride, int[] padding, int[] dilation, int groups)
    {
        int n = Ranks(op, x, w, "Cout,Cin/groups");
        var s = PerAxis(op, "stride", stride, n, false, 1);
        var p = PerAxis(op, "padding", padding, n, true, 0);
        var d = PerAxis(op, "dilation", dilation, n, false, 1);
        if (groups < 1) throw new ArgumentException($"{op}: groups {groups} must be positive.", nameof(groups));
        int cout = w[0], cg = w[1], cin = x[1];
        if (cout % groups != 0)
            throw new ArgumentException($"{op}: groups {groups} must divide the output channels {cout} (weight {w}).", nameof(groups));
        if (cin != cg * groups)
            throw new ShapeMismatchException($"{op}: input {x} has {cin} channels, expected {(long)cg * groups} (weight {w}, groups {groups}).");
        CheckBias(op, b, cout, w);
        var k = w.Dims[2..];
        var inSize = x.Dims[2..];
        var outSize = new int[n];
        for (int i = 0; i < n; i++)
        {
            outSize[i] = ConvGeometry.OutputSize(inSize[i], k[i], s[i], p[i], p[n + i], d[i]);
            if (outSize[i] <= 0)
                throw new ShapeMismatchException($"{op}: input {x} gives output size {outSize[i]} on spatial axis {i} (size {inSize[i]}, padding {p[i]}+{p[n + i]}, kernel {k[i]}, dilation {d[i]}, stride {s[i]}): the dilated kernel is larger than the padded input.");
        }
        var geo = new ConvGeometry(x[0], cin, cout, groups, inSize, outSize, k, s, p.AsSpan(0, n), d);
        return (geo, [x[0], cout, .. outSize]);
    }

    /// <summary>
    /// Geometry and output shape of <c>ConvTranspose</c>, described as the convolution it is the input gradient of:
    /// that convolution's input is the transposed output, its output the transposed input.
    /// </summary>
    public static (ConvGeometry geo, int[] outShape) Transpose(string op, Shape x, Shape w, Shape? b, int[] stride, int[] padding, int[] outputPadding, int[] dilation, int groups)
    {
        int n = Ranks(op, x, w, "Cin,Cout/groups");
        var s = PerAxis(op, "stride", stride, n, false, 1);
        var p = PerAxis(op, "padding", padding, n, true, 0);
        var op2 = PerAxis(op, "outputPadding", outputPadding, n, false, 0);
        var d = PerAxis(op, "dilation", dilation, n, false, 1);
        if (groups < 1) throw new ArgumentException($"{op}: groups {groups} must be positive.", nameof(groups));
        int cin = w[0], cog = w[1];
        if (cin % groups != 0)
            throw new ArgumentException($"{op}: groups {groups} must divide the input channels {cin} (weight {w}).", nameof(groups));
        if (x[1] != cin)
            throw new ShapeMismatchException($"{op}: input {x} has {x[1]} channels, expected {cin} (weight {w}, groups {groups}).");
        int cout = cog * groups;
        CheckBias(op, b, cout, w);
        for (int i = 0; i < n; i++)
            if (op2[i] >= Math.Max(s[i], d[i]))
                throw new ArgumentException($"{op}: outputPadding {Shape.Format(outputPadding)} must be smaller than the stride {s[i]} or the dilation {d[i]} on spatial axis {i}.", nameof(outputPadding));
        var k = w.Dims[2..];
        var inSize = x.Dims[2..];
        var outSize = new int[n];
        for (int i = 0; i < n; i++)
        {
            long o = (long)(inSize[i] - 1) * s[i] - p[i] - p[n + i] + (long)d[i] * (k[i] - 1) + op2[i] + 1;
            if (o <= 0 || inSize[i] <= 0)
                throw new ShapeMismatchException($"{op}: input {x} gives output size {o} on spatial axis {i} (size {inSize[i]}, stride {s[i]}, padding {p[i]}+{p[n + i]}, kernel {k[i]}, dilation {d[i]}, outputPadding {op2[i]}).");
            if (o > Array.MaxLength) throw new ShapeMismatchException($"{op}: output size {o} on spatial axis {i} is too large.");
            outSize[i] = (int)o;
        }
        var geo = new ConvGeometry(x[0], cout, cin, groups, outSize, inSize, k, s, p.AsSpan(0, n), d);
        return (geo, [x[0], cout, .. outSize]);
    }

    static void CheckBias(string op, Shape? b, int channels, Shape w)
    {
        if (b is { } bs && (bs.Rank != 1 || bs[0] != channels))
            throw new ShapeMismatchException($"{op}: bias {bs} must have shape [{channels}] (weight {w}).");
    }

    /// <summary>Checks that the weight of a fixed-rank convenience op (Conv2d, ...) has that rank.</summary>
    public static void ExpectSpatial(string op, Shape w, int n, string weightLayout)
    {
        if (w.Rank != n + 2)
            throw new ShapeMismatchException($"{op}: weight {w} must be {n + 2}-D [{weightLayout},{KernelLayouts[n - 1]}], got {w.Rank}-D.");
    }

    /// <summary>The tensor itself when contiguous, otherwise a contiguous copy (no autograd).</summary>
    public static Tensor Dense(Tensor t) => t.IsContiguous ? t : Ops.ContiguousCopy(t);

    /// <summary>A new contiguous tensor whose storage is not zeroed: for kernel outputs that write every element.</summary>
    public static Tensor Output(Shape shape) => new(ActivationSegment.Allocate(shape.Numel), shape);

    /// <summary>An n-entry array filled with v.</summary>
    public static int[] Fill(int n, int v)
    {
        var a = new int[n];
        Array.Fill(a, v);
        return a;
    }
}
