using Fovea.NN;

namespace Fovea.Explain;

/// <summary>Input gradients for attribution and attacks, leaving the model's parameter gradients as they were.</summary>
internal static class GradientUtil
{
    /// <summary>
    /// The gradient of <c>objective(model(x))</c> (a scalar) with respect to <paramref name="x"/>, and the logits.
    /// Parameter gradients are restored afterwards, so attributing or attacking never disturbs a training step.
    /// </summary>
    public static (Tensor Grad, Tensor Logits) InputGradient(Module model, Tensor x, Func<Tensor, Tensor> objective)
    {
        Tensor? logits = null;
        var (grad, _) = Gradient(model, x, xi => objective(logits = model.Call(xi)));
        return (grad, logits!.Detach());
    }

    /// <summary>
    /// The gradient of the scalar <c>fn(leaf)</c> with respect to a fresh leaf holding <paramref name="value"/>;
    /// parameter gradients of <paramref name="model"/> are restored afterwards. Also returns fn's value.
    /// </summary>
    public static (Tensor Grad, float Value) Gradient(Module model, Tensor value, Func<Tensor, Tensor> fn)
    {
        if (!Autograd.IsEnabled) throw new InvalidOperationException("Input gradients need autograd; do not call inside Autograd.NoGrad().");
        var ps = model.Parameters().ToArray();
        var saved = new Tensor?[ps.Length];
        for (int i = 0; i < ps.Length; i++) saved[i] = ps[i].Grad;
        try
        {
            var leaf = value.Detach().Contiguous().Clone().RequiresGrad_();
            var obj = fn(leaf);
            float v = obj.Item();
            obj.Backward();
            return (leaf.Grad ?? Tensor.ZerosLike(leaf), v);
        }
        finally
        {
            for (int i = 0; i < ps.Length; i++) ps[i].Grad = saved[i];
        }
    }

    /// <summary>Cross-entropy summed over the batch (so each sample's gradient does not depend on the batch size).</summary>
    public static Tensor CrossEntropySum(Tensor logits, Tensor targets) => -(logits.LogSoftmax(1) * targets.OneHot(logits.Shape[1])).Sum();

    /// <summary>The sum over the batch of each sample's logit for its target class (a scalar).</summary>
    public static Tensor TargetScore(Tensor logits, Tensor targets) => (logits * targets.OneHot(logits.Shape[1])).Sum();

    /// <summary>The target classes: <paramref name="target"/> when given (checked), otherwise the model's predictions.</summary>
    public static Tensor Targets(Module model, Tensor x, Tensor? target, string who)
    {
        int n = x.Shape[0];
        if (target is not null)
        {
            if (target.Rank != 1 || target.Shape[0] != n)
                throw new ShapeMismatchException($"{who}: targets must be [N] = [{n}] class indices, got {target.Shape}.");
            return target;
        }
        using (Autograd.NoGrad()) return model.Call(x).ArgMax(1);
    }

    public static void CheckImages(Tensor x, string who)
    {
        if (x.Rank != 4) throw new ShapeMismatchException($"{who}: expected an input batch [N,C,H,W], got {x.Shape}.");
    }
}
