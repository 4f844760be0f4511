namespace Fovea.Robust;

/// <summary>The norm that bounds a perturbation.</summary>
public enum AttackNorm
{
    /// <summary>Every pixel moves by at most ε.</summary>
    LInf,
    /// <summary>The perturbation's Euclidean length (per image) is at most ε.</summary>
    L2,
}
