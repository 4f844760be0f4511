namespace Fovea.Robust;

/// <summary>Clean accuracy and one <see cref="AttackResult"/> per attack and ε, over <see cref="Count"/> images.</summary>
public sealed record RobustnessReport(double CleanAccuracy, int Count, IReadOnlyList<AttackResult> Attacks);
