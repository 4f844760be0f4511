namespace Fovea;

/// <summary>Switches for define-by-run automatic differentiation, and the backward pass itself.</summary>
public static class Autograd
{
    [ThreadStatic] static int t_noGradDepth;

    /// <summary>Profiling hook (benchmarks only): called with an op's name before (true) and after (false) its backward runs.</summary>
    internal static Action<string, bool>? BackwardProbe;

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
        // Gradient buffers made by library backward functions are recycled as soon as nothing needs them (GradPool).
        using var pass = GradPool.Begin();
        var spent = new List<Tensor>();
        List<ActivationSegment>? segments = null;
        for (int i = order.Count - 1; i >= 0; i--)
        {
            var t = order[i];
            if (!grads.Remove(t, out var g)) continue;
            pass.Unref(g);
            if (t.Hooks != null)
            {
                pass.Escape(g);
                foreach (var h in t.Hooks) { g = h(g) ?? g; pass.Escape(g); }
            }
            var node = t.GradFn;
            if (node == null || t.RetainsGrad)
            {
                if (t.Grad is not null) t.Grad = Ops.Add(t.Grad, g);
                else if (node == null && pass.Count(g) == 0 && g.IsContiguous && g.Offset == 0 && g.Storage.Length == g.Numel) { pass.Escape(g); t.Grad = g; } // a fresh buffer nobody else views: no copy
                else t.Grad = g.Clone();
            }
            if (node == null) { pass.ReleaseIfFree(g); continue; }
            var fn = node.Backward ?? throw new InvalidOperationException(
                $"Backward: trying to backward through the graph a second time (op {node.Op}); its buffers were freed. Pass retainGraph: true to the first Backward.");
            var probe = BackwardProbe;
            probe?.Invoke(node.Op, true);
            pass.Enter(fn, g);
            Tensor?[] inGrads;
            try { inGrads = fn(g); }
            finally { pass.Leave(); }
            probe?.Invoke(node.Op, false);
            if (!retainGraph)
            {
                node.Backward = null;
                if (node.Segment is { } seg) (segments ??= []).Add(seg);
            }
            for (int k = 0; k < node.Inputs.Length; k++)
            {
                var x = node.Inputs[k];
                var gx = k < inGrads.Length ? inGrads[k] : null;
                if (x is null || gx is null || !x.RequiresGrad) continue;
                if (gx.Shape != x.Shape)
                    throw new InvalidOperationException($"Backward of {node.Op}: gradient for input {k} has shape {gx.Shape}, expected {x.Shape} (a bug in the op).");
                if (grads.TryGetValue(x, out var prev)) grads[x] = Accumulate(pass, prev, gx, spent);
                else { grads[x] = gx; pass.Ref(gx); }
            }
            // Only now, with every returned gradient counted, can a consumed buffer go back to the pool.
            foreach (var s in spent) pass.ReleaseIfFree(s);
            spent.Clear();
            pass.ReleaseIfFree(g);
        }
        // Forward activations whose whole segment of the graph has now been freed go back to the pool too.
        if (segments is not null) foreach (var seg in segments) seg.TryRelease();
    }

    // prev + gx for a tensor reached along several paths: in place into prev when the pass owns prev's storage and
    // only this pending gradient views it.
    static Tensor Accumulate(GradPool.Pass pass, Tensor prev, Tensor gx, List<Tensor> spent)
    {
        if (pass.Count(prev) == 1 && !pass.Poisoned && prev.IsContiguous && !ReferenceEquals(prev.Storage, gx.Storage))
        {
            var dst = prev.Span;
            if (gx.IsContiguous) System.Numerics.Tensors.TensorPrimitives.Add(dst, gx.Span, dst);
            else System.Numerics.Tensors.TensorPrimitives.Add(dst, gx.Contiguous().Span, dst);
            spent.Add(gx);
            return prev;
        }
        var sum = Ops.Add(prev, gx);
        pass.Unref(prev);
        spent.Add(prev);
        spent.Add(gx);
        return sum;
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
