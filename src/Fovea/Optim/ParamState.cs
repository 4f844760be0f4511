namespace Fovea.Optim;

/// <summary>An optimizer's state for one parameter: its step count and named buffers (e.g. "exp_avg"), in creation order.</summary>
public sealed class ParamState
{
    internal readonly List<(string Name, float[] Data)> Buffers = [];

    /// <summary>Number of updates applied to this parameter.</summary>
    public long Step { get; set; }

    /// <summary>True when no buffer has been created yet (the parameter has not been stepped).</summary>
    public bool IsEmpty => Buffers.Count == 0 && Step == 0;

    /// <summary>The named buffer, created zero-filled with <paramref name="length"/> elements on first use.</summary>
    public float[] Buffer(string name, int length)
    {
        foreach (var (n, d) in Buffers) if (n == name) return d;
        var a = new float[length];
        Buffers.Add((name, a));
        return a;
    }

    /// <summary>The named buffer, or null when it does not exist yet.</summary>
    public float[]? Find(string name)
    {
        foreach (var (n, d) in Buffers) if (n == name) return d;
        return null;
    }
}
