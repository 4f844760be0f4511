using System.Numerics.Tensors;

namespace Fovea.Optim;

/// <summary>Gradient clipping, like <c>torch.nn.utils.clip_grad_norm_</c> and <c>clip_grad_value_</c>; gradients change in place.</summary>
public static class ClipGrad
{
    /// <summary>
    /// Scales all gradients together so that their joint norm of order <paramref name="normType"/> (any p &gt; 0, or
    /// <see cref="float.PositiveInfinity"/> for the largest magnitude) is at most <paramref name="maxNorm"/>
    /// (scale maxNorm/(norm + 1e-6) when below 1). Returns the norm before clipping; a non-finite norm is returned
    /// (and turns the gradients non-finite, as in PyTorch) or, with <paramref name="errorIfNonfinite"/>, throws.
    /// Parameters without gradients are skipped; with none, returns 0.
    /// </summary>
    public static float Norm(IEnumerable<Tensor> parameters, float maxNorm, float normType = 2f, bool errorIfNonfinite = false)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!(normType > 0)) throw new ArgumentException($"ClipGrad.Norm: normType must be positive or infinity, got {normType}.");
        var withGrad = parameters.Where(p => p.Grad is not null).ToList();
        if (withGrad.Count == 0) return 0;
        bool inf = float.IsPositiveInfinity(normType);
        double acc = 0;
        foreach (var p in withGrad)
        {
            var g = p.Grad!;
            var v = g.IsContiguous ? g.Span : g.ToArray();
            if (inf) { if (v.Length > 0) acc = Math.Max(acc, Math.Abs(TensorPrimitives.MaxMagnitude(v))); }
            else if (normType == 2) { foreach (float x in v) acc += (double)x * x; }
            else if (normType == 1) { foreach (float x in v) acc += Math.Abs(x); }
            else { foreach (float x in v) acc += Math.Pow(Math.Abs(x), normType); }
            if (double.IsNaN(acc)) break;
        }
        float total = (float)(inf || normType == 1 ? acc : normType == 2 ? Math.Sqrt(acc) : Math.Pow(acc, 1.0 / normType));
        if (errorIfNonfinite && !float.IsFinite(total))
            throw new InvalidOperationException($"ClipGrad.Norm: the total norm of order {normType} of the gradients is non-finite ({total}), so it cannot be clipped.");
        float coef = maxNorm / (total + 1e-6f);
        if (!(coef >= 1))
            foreach (var p in withGrad) Scale(p, p.Grad!, coef);
        return total;
    }

    /// <summary>Clamps every gradient element to [−clipValue, clipValue].</summary>
    public static void Value(IEnumerable<Tensor> parameters, float clipValue)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!(clipValue >= 0)) throw new ArgumentException($"ClipGrad.Value: clipValue must be >= 0, got {clipValue}.");
        foreach (var p in parameters)
        {
            if (p.Grad is not { } g) continue;
            var t = g.IsContiguous ? g : g.Clone();
            var s = t.Span;
            TensorPrimitives.Min(s, clipValue, s);
            TensorPrimitives.Max(s, -clipValue, s);
            if (!ReferenceEquals(t, g)) p.Grad = t;
        }
    }

    static void Scale(Tensor p, Tensor g, float coef)
    {
        var t = g.IsContiguous ? g : g.Clone();
        TensorPrimitives.Multiply(t.Span, coef, t.Span);
        if (!ReferenceEquals(t, g)) p.Grad = t;
    }
}
