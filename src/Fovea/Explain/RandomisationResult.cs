namespace Fovea.Explain;

/// <summary>
/// The model-randomisation sanity check: for each step (the layer randomised last, named), the mean over samples
/// of the Spearman rank correlation between the trained model's attribution and the randomised model's. A method
/// that explains the model (not just the image) gives low correlations.
/// </summary>
public sealed record RandomisationResult(RandomisationMode Mode, string[] Layers, double[] MeanSpearman, double[][] SampleSpearman)
{
    /// <summary>The correlation after the last step (all layers randomised in cascading mode).</summary>
    public double Final => MeanSpearman.Length == 0 ? double.NaN : MeanSpearman[^1];
}
