namespace Fovea;

/// <summary>Switches for define-by-run automatic differentiation, and the backward pass itself.</summary>
public static class Autograd
{
    [ThreadStatic] static int t_noGradDepth;

    /// <summary>True unless inside <see cref="NoGrad"/> on this thread.</summary>
    public static bool IsEnabled => t_noGradDepth == 0;

    /// <summary><c>using (Autograd.NoGrad()) { ... }</c>: ops inside record nothing (inference, optimizer steps).</summary>
    public static NoGradScope NoGrad()
    {
        t_noGradDepth++;
        return new NoGradScope(true);
    }

    /// <summary>Ends a <see cref="NoGrad"/> block.</summary>
    public readonly struct NoGradScope(bool active) : IDisposable
    {
        public void Dispose() { if (active) t_noGradDepth--; }
    }

    /// <summary>
    /// Walks the graph behind <paramref name="root"/> once in reverse topological order and accumulates
    /// gradients into the leaves' <see cref="Tensor.Grad"/>.
    /// </summary>
    public static void Backward(Tensor root, Tensor? gradient = null, bool retainGraph = false)
    {
        if (!root.RequiresGrad)
            throw new InvalidOperationException("Backward: the tensor does not require grad and has no grad_fn (was it computed under NoGrad, or from tensors without RequiresGrad?).");
        if (gradient is null)
        {
            if (root.Numel != 1)
                throw new ShapeMismatchException($"Backward: an implicit gradient needs a one-element output, got shape {root.Shape}; pass a gradient of that shape.");
            gradient = Tensor.Full(root.Shape.ToArray(), 1f);
        }
        else if (gradient.Shape != root.Shape)
            throw new ShapeMismatchException($"Backward: gradient shape {gradient.Shape} does not match output shape {root.Shape}.");

        var order = TopologicalOrder(root);
        var grads = new Dictionary<Tensor, Tensor>(ReferenceEqualityComparer.Instance) { [root] = gradient };
        using var _ = NoGrad();
        for (int i = order.Count - 1; i >= 0; i--)
        {
            var t = order[i];
            if (!grads.Remove(t, out var g)) continue;
            if (t.Hooks != null)
                foreach (var h in t.Hooks) g = h(g) ?? g;
            if (t.GradFn == null || t.RetainsGrad)
                t.Grad = t.Grad is null ? g.Clone() : Ops.Add(t.Grad, g);
            var node = t.GradFn;
            if (node == null) continue;
            var fn = node.Backward ?? throw new InvalidOperationException(
                $"Backward: trying to backward through the graph a second time (op {node.Op}); its buffers were freed. Pass retainGraph: true to the first Backward.");
            var inGrads = fn(g);
            if (!retainGraph) node.Backward = null;
            for (int k = 0; k < node.Inputs.Length; k++)
            {
                var x = node.Inputs[k];
                var gx = k < inGrads.Length ? inGrads[k] : null;
                if (x is null || gx is null || !x.RequiresGrad) continue;
                if (gx.Shape != x.Shape)
                    throw new InvalidOperationException($"Backward of {node.Op}: gradient for input {k} has shape {gx.Shape}, expected {x.Shape} (a bug in the op).");
                grads[x] = grads.TryGetValue(x, out var prev) ? Ops.Add(prev, gx) : gx;
            }
        }
    }

    // Iterative DFS post-order: a deep network must not overflow the stack.
    static List<Tensor> TopologicalOrder(Tensor root)
    {
        var order = new List<Tensor>();
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<(Tensor t, int next)>();
        stack.Push((root, 0));
        seen.Add(root);
        while (stack.Count > 0)
        {
            var (t, next) = stack.Pop();
            var inputs = t.GradFn?.Inputs;
            if (inputs != null && next < inputs.Length)
            {
                stack.Push((t, next + 1));
                var x = inputs[next];
                if (x != null && x.RequiresGrad && seen.Add(x)) stack.Push((x, 0));
            }
            else order.Add(t);
        }
        return order;
    }
}
