using Fovea.Data;
using Fovea.NN;
using Fovea.Training;

namespace Fovea.Robust;

/// <summary>
/// Adversarial training as a <see cref="TrainerOptions.InputTransform"/>: each training batch (normalised with
/// <c>mean</c>/<c>std</c>, as the data loader delivers it) is mapped back to pixels, attacked within the L∞ ε-ball
/// (in pixel units) against the model being trained, and normalised again.
/// </summary>
public static class AdversarialTraining
{
    /// <summary>PGD adversarial training (Madry et al. 2018): <paramref name="steps"/> steps of size <paramref name="alpha"/> from a random start.</summary>
    public static Func<Module, Batch, Tensor> Pgd(float[] mean, float[] std, float eps, float alpha, int steps, Generator? generator = null)
    {
        if (!(eps > 0) || !(alpha > 0) || steps < 1) throw new ArgumentException($"AdversarialTraining.Pgd: eps ({eps}) and alpha ({alpha}) must be positive and steps ({steps}) at least 1.");
        var gen = generator ?? new Generator(7);
        return Transform(mean, std, (m, x, y) => Attacks.Pgd(m, x, y, eps, alpha, steps, AttackNorm.LInf, randomStart: true, generator: gen));
    }

    /// <summary>
    /// "Fast is better than free" FGSM training (Wong et al. 2020): a uniform random start in the ε-ball, one signed
    /// gradient step of <paramref name="alpha"/> (default 1.25 ε), projected back onto the ball and [0, 1].
    /// </summary>
    public static Func<Module, Batch, Tensor> FastFgsm(float[] mean, float[] std, float eps, float? alpha = null, Generator? generator = null)
    {
        if (!(eps > 0)) throw new ArgumentException($"AdversarialTraining.FastFgsm: eps must be positive, got {eps}.");
        var gen = generator ?? new Generator(7);
        float a = alpha ?? 1.25f * eps;
        return Transform(mean, std, (m, x, y) => Attacks.Pgd(m, x, y, eps, a, 1, AttackNorm.LInf, randomStart: true, generator: gen));
    }

    static Func<Module, Batch, Tensor> Transform(float[] mean, float[] std, Func<Module, Tensor, Tensor, Tensor> attack)
    {
        NormalizedModel? wrapper = null;
        return (model, batch) =>
        {
            if (wrapper is null || !ReferenceEquals(wrapper.Model, model)) wrapper = new NormalizedModel(model, mean, std);
            var pixels = wrapper.Denormalize(batch.Input).Clamp(0f, 1f);
            var adv = attack(wrapper, pixels, batch.Target);
            using (Autograd.NoGrad()) return wrapper.Normalize(adv);
        };
    }
}
