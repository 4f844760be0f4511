namespace Fovea.Robust;

/// <summary>
/// One attack at one ε: accuracy on the adversarial images, the share of correctly classified images the attack
/// turned wrong, and the mean L∞ and L2 size of those successful perturbations (NaN when none succeeded).
/// </summary>
public sealed record AttackResult(string Attack, float Eps, double RobustAccuracy, double SuccessRate, double MeanLinf, double MeanL2, int Count, double Seconds);
