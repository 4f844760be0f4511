namespace Fovea.NN;

/// <summary>Validation of layer constructor arguments, with messages naming the layer and the argument.</summary>
internal static class Args
{
    /// <summary>Checks an n-entry size argument (or null → <paramref name="fallback"/>) has values ≥ <paramref name="min"/>.</summary>
    public static int[] Sizes(string layer, string name, int[]? v, int n, int[] fallback, int min)
    {
        var a = v ?? fallback;
        if (a.Length == 1 && n > 1) a = Functional.Rep(a[0], n);
        if (a.Length != n) throw new ArgumentException($"{layer}: {name} needs 1 or {n} values, got {Shape.Format(a)}.");
        foreach (int x in a)
            if (x < min) throw new ArgumentException($"{layer}: {name}={Shape.Format(a)} must be {(min == 0 ? "non-negative" : min == 1 ? "positive" : $">= {min}")}.");
        return (int[])a.Clone();
    }

    public static void Positive(string layer, string name, int v)
    {
        if (v <= 0) throw new ArgumentException($"{layer}: {name}={v} must be positive.");
    }

    public static void Probability(string layer, float p)
    {
        if (!(p >= 0 && p <= 1)) throw new ArgumentException($"{layer}: dropout probability has to be between 0 and 1, but got {p}.");
    }

    public static long Product(int[] a)
    {
        long p = 1;
        foreach (int x in a) p *= x;
        return p;
    }
}
