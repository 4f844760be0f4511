namespace Fovea.Explain;

/// <summary>How <see cref="SanityCheck.ModelRandomisation"/> randomises the weights (Adebayo et al. 2018).</summary>
public enum RandomisationMode
{
    /// <summary>Randomise layers from the output down, one more each step, keeping the earlier ones randomised.</summary>
    Cascading,
    /// <summary>Randomise one layer at a time, the others keeping their trained weights.</summary>
    Independent,
}
