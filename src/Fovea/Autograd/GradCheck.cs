namespace Fovea;

/// <summary>
/// Compares autograd's gradients with central finite differences, in double precision where it matters, so
/// users can check their own ops. The function must be deterministic (no dropout) and smooth near the inputs.
/// </summary>
public static class GradCheck
{
    /// <summary>The worst disagreement found, for error messages.</summary>
    public readonly record struct Result(bool Ok, string Message);

    /// <summary>
    /// Checks d(sum(f(inputs) · w))/d(input) for a fixed random weighting w, for every input that requires grad.
    /// Returns a result naming the input, the index and both values of the worst element.
    /// </summary>
    public static Result Check(Func<Tensor[], Tensor> f, Tensor[] inputs, float eps = 1e-2f, float atol = 1e-2f, float rtol = 1e-2f, int seed = 1)
    {
        // A random projection makes every output element matter, not just their sum.
        Tensor w;
        using (Autograd.NoGrad()) w = Tensor.Randn(new Generator(seed), f(inputs).Shape.ToArray());
        foreach (var x in inputs) x.Grad = null;
        var y = f(inputs);
        var loss = Ops.Sum(Ops.Mul(y, w));
        loss.Backward();

        for (int t = 0; t < inputs.Length; t++)
        {
            var x = inputs[t];
            if (!x.RequiresGrad) continue;
            if (!x.IsContiguous) throw new ArgumentException("GradCheck: inputs must be contiguous.");
            var analytic = x.Grad?.ToArray() ?? new float[x.Numel];
            var data = x.Storage;
            for (int i = 0; i < x.Numel; i++)
            {
                int at = x.Offset + i;
                float orig = data[at];
                double plus, minus;
                using (Autograd.NoGrad())
                {
                    data[at] = orig + eps; plus = Dot(f(inputs), w);
                    data[at] = orig - eps; minus = Dot(f(inputs), w);
                }
                data[at] = orig;
                double numeric = (plus - minus) / (2 * eps);
                double diff = Math.Abs(numeric - analytic[i]);
                if (diff > atol + rtol * Math.Abs(numeric) || double.IsNaN(analytic[i]))
                    return new Result(false, $"input {t} {x.Shape}, element {i}: autograd {analytic[i]:G6}, finite difference {numeric:G6} (|diff| {diff:G3})");
            }
        }
        return new Result(true, "ok");
    }

    static double Dot(Tensor y, Tensor w)
    {
        var a = y.ToArray();
        var b = w.ToArray();
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += (double)a[i] * b[i];
        return s;
    }
}
