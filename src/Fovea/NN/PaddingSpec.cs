namespace Fovea.NN;

/// <summary>
/// A convolution's padding as PyTorch accepts it: one int for every axis, one per axis (int[] or a tuple), or the
/// strings "valid" (none) and "same" (output size = input size; stride 1 only). Converts implicitly, so
/// <c>padding: 1</c>, <c>padding: (1, 2)</c> and <c>padding: "same"</c> all work.
/// </summary>
public readonly struct PaddingSpec
{
    readonly int[]? _sizes;
    readonly int _scalar;

    /// <summary>"same", "valid", or null for explicit sizes.</summary>
    public string? Mode { get; }

    PaddingSpec(int scalar, int[]? sizes, string? mode) { _scalar = scalar; _sizes = sizes; Mode = mode; }

    public static implicit operator PaddingSpec(int p) => new(p, null, null);
    public static implicit operator PaddingSpec(int[] p) => new(0, (int[])p.Clone(), null);
    public static implicit operator PaddingSpec((int, int) p) => new(0, [p.Item1, p.Item2], null);
    public static implicit operator PaddingSpec((int, int, int) p) => new(0, [p.Item1, p.Item2, p.Item3], null);
    public static implicit operator PaddingSpec(string mode)
    {
        string m = mode?.ToLowerInvariant() ?? throw new ArgumentNullException(nameof(mode));
        if (m is not ("same" or "valid")) throw new ArgumentException($"padding must be \"same\", \"valid\" or sizes, got \"{mode}\".");
        return new(0, null, m);
    }

    /// <summary>The symmetric per-axis sizes for <paramref name="n"/> spatial axes (zeros for "valid"/"same": see <see cref="Mode"/>).</summary>
    internal int[] Sizes(string layer, int n)
    {
        if (Mode is not null) return new int[n];
        var s = _sizes ?? Functional.Rep(_scalar, n);
        if (s.Length == 1 && n > 1) s = Functional.Rep(s[0], n);
        if (s.Length != n) throw new ArgumentException($"{layer}: padding needs 1 or {n} values, got {s.Length}.");
        foreach (int v in s) if (v < 0) throw new ArgumentException($"{layer}: padding={Shape.Format(s)} must be non-negative.");
        return s;
    }

    /// <summary>True when given as one int (repr prints it as a tuple anyway, like PyTorch's conv).</summary>
    internal bool IsScalar => Mode is null && _sizes is null;
}
