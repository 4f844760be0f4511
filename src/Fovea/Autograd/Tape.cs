namespace Fovea;

/// <summary>Records ops for autograd. Ops call <see cref="Record"/> right after computing their output.</summary>
public static class Tape
{
    /// <summary>
    /// Attaches a backward function to <paramref name="output"/> when gradients are enabled and any input needs
    /// them. The function receives the gradient of the output (same shape) and returns one gradient per input,
    /// each of that input's shape, or null. It runs with gradients disabled.
    /// </summary>
    public static Tensor Record(Tensor output, string op, Tensor?[] inputs, Func<Tensor, Tensor?[]> backward)
    {
        if (!Autograd.IsEnabled) return output;
        bool any = false;
        foreach (var t in inputs)
            if (t is not null && t.RequiresGrad) { any = true; break; }
        if (!any) return output;
        output.GradFn = new Node(op, inputs, backward);
        ActivationSegment.Captured?.Add(output.GradFn);
        output.RequiresGrad = true;
        return output;
    }

    /// <summary>True when some input needs a gradient and gradients are enabled, i.e. an op should keep what its backward needs.</summary>
    public static bool Needs(params ReadOnlySpan<Tensor?> inputs)
    {
        if (!Autograd.IsEnabled) return false;
        foreach (var t in inputs) if (t is not null && t.RequiresGrad) return true;
        return false;
    }
}
