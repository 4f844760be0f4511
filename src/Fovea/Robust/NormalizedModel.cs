using Fovea.NN;

namespace Fovea.Robust;

/// <summary>
/// Normalise-then-model: <c>model((x − mean) / std)</c> for inputs x in pixel units [0, 1], so that attack budgets
/// (ε) and clipping are in pixels while the wrapped model keeps seeing the normalised inputs it was trained on.
/// Mean and std hold one value per channel, or one for all.
/// </summary>
public sealed class NormalizedModel : Module
{
    readonly Tensor _mean, _invStd;

    public NormalizedModel(Module model, float[] mean, float[] std)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(std);
        if (mean.Length == 0 || mean.Length != std.Length)
            throw new ArgumentException($"NormalizedModel: mean ({mean.Length} values) and std ({std.Length} values) must be non-empty and of equal length.");
        foreach (float s in std)
            if (!(s > 0)) throw new ArgumentException($"NormalizedModel: every std must be positive, got {s}.");
        Model = RegisterModule("model", model);
        Mean = (float[])mean.Clone();
        Std = (float[])std.Clone();
        _mean = Tensor.FromArray(Mean, 1, mean.Length, 1, 1);
        _invStd = Tensor.FromArray([.. std.Select(s => 1f / s)], 1, std.Length, 1, 1);
    }

    /// <summary>The wrapped classifier (expects normalised inputs).</summary>
    public Module Model { get; }
    /// <summary>Per-channel mean subtracted from the pixels.</summary>
    public float[] Mean { get; }
    /// <summary>Per-channel standard deviation the pixels are divided by.</summary>
    public float[] Std { get; }

    /// <summary>The normalisation alone: (x − mean) / std.</summary>
    public Tensor Normalize(Tensor x) => (x - _mean) * _invStd;

    /// <summary>The inverse: x · std + mean (normalised inputs back to pixels).</summary>
    public Tensor Denormalize(Tensor x)
    {
        using var _ = Autograd.NoGrad();
        return x / _invStd + _mean;
    }

    public override Tensor Forward(Tensor input)
    {
        if (input.Rank != 4) throw new ShapeMismatchException($"NormalizedModel: expected pixels [N,C,H,W], got {input.Shape}.");
        return Model.Call(Normalize(input));
    }
}
