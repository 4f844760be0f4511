using System.Runtime.CompilerServices;

namespace Fovea;

/// <summary>
/// The dimensions of a tensor: an immutable list of non-negative sizes, row-major.
/// Converts implicitly to and from <c>int[]</c>, so <c>t.Shape[0]</c> and <c>int[] dims = t.Shape</c> both work.
/// </summary>
public readonly struct Shape : IEquatable<Shape>
{
    readonly int[]? _dims;

    /// <summary>Makes a shape from sizes; each must be non-negative.</summary>
    public Shape(params int[] dims)
    {
        ArgumentNullException.ThrowIfNull(dims);
        foreach (int d in dims)
            if (d < 0) throw new ArgumentException($"Shape {Format(dims)}: sizes must be non-negative.");
        _dims = (int[])dims.Clone();
        _ = CheckedNumel(_dims);
    }

    // Takes ownership of dims without copying; callers must not mutate the array afterwards.
    internal static Shape Own(int[] dims) => new(dims, owned: true);
    Shape(int[] dims, bool owned) { _dims = dims; }

    internal int[] Dims => _dims ?? [];

    /// <summary>Number of dimensions.</summary>
    public int Rank => Dims.Length;
    /// <summary>Same as <see cref="Rank"/>, so a shape reads like the <c>int[]</c> it stands for.</summary>
    public int Length => Dims.Length;

    /// <summary>The size of dimension <paramref name="axis"/>; negative axes count from the end.</summary>
    public int this[int axis] => Dims[NormAxis(axis, Rank, "Shape")];

    /// <summary>Total number of elements (1 for a scalar).</summary>
    public int Numel
    {
        get
        {
            int n = 1;
            foreach (int d in Dims) n *= d;
            return n;
        }
    }

    /// <summary>A copy of the sizes.</summary>
    public int[] ToArray() => (int[])Dims.Clone();

    public static implicit operator int[](Shape s) => s.ToArray();
    public static implicit operator Shape(int[] dims) => new(dims);

    public bool Equals(Shape other) => Dims.AsSpan().SequenceEqual(other.Dims);
    public override bool Equals(object? obj) => obj is Shape s && Equals(s);
    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (int d in Dims) h.Add(d);
        return h.ToHashCode();
    }
    public static bool operator ==(Shape a, Shape b) => a.Equals(b);
    public static bool operator !=(Shape a, Shape b) => !a.Equals(b);

    /// <summary>"[8,3,28,28]".</summary>
    public override string ToString() => Format(Dims);

    internal static string Format(ReadOnlySpan<int> dims) => "[" + string.Join(",", dims.ToArray()) + "]";

    /// <summary>Destructures a rank-2 shape, or throws naming <paramref name="what"/>.</summary>
    public (int, int) Dims2(string what)
    {
        ExpectRank(what, 2, "[N,C]");
        return (Dims[0], Dims[1]);
    }

    /// <summary>Destructures a rank-3 shape, or throws naming <paramref name="what"/>.</summary>
    public (int, int, int) Dims3(string what)
    {
        ExpectRank(what, 3, "[N,C,L]");
        return (Dims[0], Dims[1], Dims[2]);
    }

    /// <summary>Destructures a rank-4 shape (NCHW), or throws naming <paramref name="what"/>.</summary>
    public (int, int, int, int) Dims4(string what)
    {
        ExpectRank(what, 4, "[N,C,H,W]");
        return (Dims[0], Dims[1], Dims[2], Dims[3]);
    }

    /// <summary>Destructures a rank-5 shape (NCDHW), or throws naming <paramref name="what"/>.</summary>
    public (int, int, int, int, int) Dims5(string what)
    {
        ExpectRank(what, 5, "[N,C,D,H,W]");
        return (Dims[0], Dims[1], Dims[2], Dims[3], Dims[4]);
    }

    void ExpectRank(string what, int rank, string layout)
    {
        if (Rank != rank)
            throw new ShapeMismatchException($"{what}: expected a {rank}-D tensor {layout}, got {this} ({Rank}-D).");
    }

    /// <summary>The shape both operands broadcast to (NumPy rules), or a <see cref="ShapeMismatchException"/> naming the op and the axis.</summary>
    public static Shape Broadcast(string op, Shape a, Shape b)
    {
        int r = Math.Max(a.Rank, b.Rank);
        var o = new int[r];
        for (int i = 0; i < r; i++)
        {
            int da = i - (r - a.Rank) >= 0 ? a.Dims[i - (r - a.Rank)] : 1;
            int db = i - (r - b.Rank) >= 0 ? b.Dims[i - (r - b.Rank)] : 1;
            if (da == db || db == 1) o[i] = da;
            else if (da == 1) o[i] = db;
            else throw new ShapeMismatchException($"{op}: shapes {a} and {b} do not broadcast (axis {i}: {da} vs {db}).");
        }
        return Own(o);
    }

    /// <summary>Normalises a possibly negative axis into [0, rank), or throws naming the op.</summary>
    public static int NormAxis(int axis, int rank, string op)
    {
        int a = axis < 0 ? axis + rank : axis;
        if ((uint)a >= (uint)Math.Max(rank, 0) && !(rank == 0 && a == 0))
            throw new ShapeMismatchException($"{op}: axis {axis} is out of range for a {rank}-D tensor.");
        return a;
    }

    internal static int CheckedNumel(ReadOnlySpan<int> dims)
    {
        long n = 1;
        foreach (int d in dims)
        {
            n *= d;
            if (n > Array.MaxLength)
                throw new ShapeMismatchException($"Shape {Format(dims)} has more than {Array.MaxLength} elements.");
        }
        return (int)n;
    }

    /// <summary>Row-major (C-order) strides for these sizes.</summary>
    internal static int[] ContiguousStrides(ReadOnlySpan<int> dims)
    {
        var s = new int[dims.Length];
        int acc = 1;
        for (int i = dims.Length - 1; i >= 0; i--) { s[i] = acc; acc *= Math.Max(dims[i], 1); }
        return s;
    }
}
