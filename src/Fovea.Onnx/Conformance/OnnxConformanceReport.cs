namespace Fovea.Onnx;

/// <summary>The results of <see cref="OnnxConformance.Run"/>.</summary>
public sealed record OnnxConformanceReport(IReadOnlyList<OnnxTestResult> Tests)
{
    /// <summary>Tests whose outputs matched within tolerance.</summary>
    public int Passed => Tests.Count(t => t.Status == OnnxConformance.Passed);

    /// <summary>Tests that ran and mismatched, or threw.</summary>
    public int Failed => Tests.Count(t => t.Status == OnnxConformance.Failed);

    /// <summary>Tests whose model uses an operator, opset or data type Fovea does not implement.</summary>
    public int Unsupported => Tests.Count(t => t.Status == OnnxConformance.Unsupported);

    /// <summary>Tests listed in the exclusions file (each with a reason).</summary>
    public int Excluded => Tests.Count(t => t.Status == OnnxConformance.Excluded);
}
