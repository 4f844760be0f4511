namespace Fovea.NN;

/// <summary>
/// Thrown by <see cref="Module.LoadStateDict"/> when keys are missing, unexpected or wrongly shaped; the message
/// lists every one of them, and the lists are available for code.
/// </summary>
public sealed class StateDictException : ArgumentException
{
    public IReadOnlyList<string> MissingKeys { get; }
    public IReadOnlyList<string> UnexpectedKeys { get; }
    /// <summary>"key: model has [..], checkpoint has [..]" for each shape mismatch.</summary>
    public IReadOnlyList<string> ShapeMismatches { get; }

    public StateDictException(string module, IReadOnlyList<string> missing, IReadOnlyList<string> unexpected, IReadOnlyList<string> shapeMismatches)
        : base(Format(module, missing, unexpected, shapeMismatches))
    {
        MissingKeys = missing;
        UnexpectedKeys = unexpected;
        ShapeMismatches = shapeMismatches;
    }

    static string Format(string module, IReadOnlyList<string> missing, IReadOnlyList<string> unexpected, IReadOnlyList<string> wrong)
    {
        var parts = new List<string>();
        if (missing.Count > 0) parts.Add($"missing keys: {string.Join(", ", missing)}");
        if (unexpected.Count > 0) parts.Add($"unexpected keys: {string.Join(", ", unexpected)}");
        if (wrong.Count > 0) parts.Add($"size mismatch: {string.Join("; ", wrong)}");
        return $"Error loading state dict into {module}: {string.Join(". ", parts)}.";
    }
}
