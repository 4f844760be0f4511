namespace Fovea.Explain;

/// <summary>The propagation rule of <see cref="Lrp"/> for the weighted layers (Conv2d, Linear).</summary>
public enum LrpRule
{
    /// <summary>LRP-ε: R_j = Σ_k a_j w_jk / (z_k + ε·sign(z_k)) · R_k.</summary>
    Epsilon,
    /// <summary>LRP-αβ with α = 2, β = 1: positive contributions counted twice, negative ones subtracted once.</summary>
    Alpha2Beta1,
    /// <summary>LRP-αβ with α = 1, β = 0: positive contributions only (z⁺ rule).</summary>
    Alpha1Beta0,
}
