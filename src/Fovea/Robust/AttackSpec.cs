using Fovea.NN;

namespace Fovea.Robust;

/// <summary>A named attack at one budget for <see cref="RobustnessEvaluator"/>: <c>Run(model, x, y)</c> returns adversarial images.</summary>
public sealed record AttackSpec(string Name, float Eps, Func<Module, Tensor, Tensor, Tensor> Run);
