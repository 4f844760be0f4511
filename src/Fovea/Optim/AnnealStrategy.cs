namespace Fovea.Optim;

/// <summary>How <see cref="OneCycleLR"/> moves between two learning rates.</summary>
public enum AnnealStrategy
{
    /// <summary>Half a cosine wave.</summary>
    Cos,
    /// <summary>A straight line.</summary>
    Linear,
}
