namespace Fovea.Cli.Commands;

static class BenchUtil
{
    public static int[] ParseInts(string list, string option)
    {
        var parts = list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var r = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], out r[i]) || r[i] <= 0) throw new UsageException($"{option}: '{parts[i]}' is not a positive integer.");
        if (r.Length == 0) throw new UsageException($"{option}: empty list.");
        return r;
    }

    public static double Median(List<double> xs)
    {
        var a = xs.OrderBy(x => x).ToArray();
        return a.Length == 0 ? double.NaN : a.Length % 2 == 1 ? a[a.Length / 2] : (a[a.Length / 2 - 1] + a[a.Length / 2]) / 2;
    }
}
