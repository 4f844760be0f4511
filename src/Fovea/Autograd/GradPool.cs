using System.Reflection;

namespace Fovea;

/// <summary>
/// Recycles the gradient buffers of backward passes, so that a training step stops allocating large arrays after
/// its first steps. Nothing is ever disposed by users. The rules that keep it safe:
/// <list type="bullet">
/// <item>Only the library's own backward functions take buffers from the pool (<see cref="Rent"/>, contents
/// undefined: the caller writes every element), and only while the engine runs them; a buffer taken there is
/// "owned" by the pass.</item>
/// <item>The pass counts, per owned buffer, the pending gradients that view it. A buffer that escapes — becomes a
/// leaf's <see cref="Tensor.Grad"/>, is passed to a hook or to a backward function from outside the library — stops
/// being owned and is never recycled.</item>
/// <item>Once an owned gradient has been consumed by a library backward function and no pending gradient views its
/// storage, the storage goes back to the pool. Forward activations a user may hold are never pooled; those only the
/// graph can reach are returned by <see cref="ActivationSegment"/> (Sequential), and op outputs are taken from here.</item>
/// </list>
/// </summary>
internal static class GradPool
{
    /// <summary>The most bytes kept for reuse; buffers returned beyond it are left to the garbage collector.</summary>
    internal const long MaxPooledBytes = 256L << 20;
    /// <summary>The most buffers kept of one length (a step rarely needs more at once; bounds what a source that gives
    /// more than it takes, e.g. an op allocating outside the pool, can pile up).</summary>
    internal const int MaxPerLength = 32;

    static readonly Dictionary<int, Stack<float[]>> s_free = [];
    static long s_bytes;
    static readonly Lock s_lock = new();
    [ThreadStatic] static Pass? t_pass;

    /// <summary>A contiguous tensor for a gradient, from the pool inside a library backward function (contents undefined), else fresh and zeroed.</summary>
    internal static Tensor Rent(Shape shape)
    {
        var p = t_pass;
        if (p is null || !p.Tracking || shape.Numel == 0) return Tensor.Empty(shape);
        var a = Take(shape.Numel) ?? GC.AllocateUninitializedArray<float>(shape.Numel);
        p.Refs[a] = 0;
        return new Tensor(a, shape);
    }

    /// <summary>True when the running backward function may overwrite <paramref name="g"/> (its incoming gradient) in place.</summary>
    internal static bool IsExclusive(Tensor g) => t_pass is { } p && p.Exclusive is not null && ReferenceEquals(p.Exclusive, g.Storage) && g.IsContiguous;

    /// <summary>g itself when <see cref="IsExclusive"/> (an elementwise backward may overwrite it), else a rented tensor of <paramref name="shape"/>.</summary>
    internal static Tensor ReuseOrRent(Tensor g, Shape shape) => IsExclusive(g) ? g : Rent(shape);

    /// <summary>Bytes currently kept in the pool (tests and benchmarks).</summary>
    internal static long PooledBytes { get { lock (s_lock) return s_bytes; } }

    internal static float[]? Take(int n)
    {
        lock (s_lock)
        {
            if (!s_free.TryGetValue(n, out var st) || st.Count == 0) return null;
            s_bytes -= 4L * n;
            return st.Pop();
        }
    }

    internal static void Give(float[] a)
    {
        lock (s_lock)
        {
            if (s_bytes + 4L * a.Length > MaxPooledBytes) return;
            if (!s_free.TryGetValue(a.Length, out var st)) s_free[a.Length] = st = new Stack<float[]>();
            if (st.Count >= MaxPerLength) return;
            st.Push(a);
            s_bytes += 4L * a.Length;
        }
    }

    /// <summary>Starts the bookkeeping of one backward pass on this thread; dispose to end it.</summary>
    internal static Pass Begin()
    {
        var outer = t_pass;
        // A backward pass started from inside another one (not done by the library): the outer pass stops recycling.
        if (outer is not null) outer.Poisoned = true;
        var p = new Pass(outer) { Poisoned = outer is not null };
        t_pass = p;
        return p;
    }

    /// <summary>The bookkeeping of one backward pass: owned storages and how many pending gradients view each.</summary>
    internal sealed class Pass(Pass? outer) : IDisposable
    {
        public readonly Dictionary<float[], int> Refs = new(ReferenceEqualityComparer.Instance);
        public bool Tracking, Poisoned;
        public float[]? Exclusive;

        public void Dispose() => t_pass = outer;

        public bool Owns(Tensor t) => Refs.ContainsKey(t.Storage);

        /// <summary>A pending gradient now views t's storage.</summary>
        public void Ref(Tensor t)
        {
            if (Refs.TryGetValue(t.Storage, out int n)) Refs[t.Storage] = n + 1;
        }

        /// <summary>A pending gradient viewing t's storage went away.</summary>
        public void Unref(Tensor t)
        {
            if (Refs.TryGetValue(t.Storage, out int n)) Refs[t.Storage] = n - 1;
        }

        public int Count(Tensor t) => Refs.TryGetValue(t.Storage, out int n) ? n : -1;

        /// <summary>t's storage leaves the pass's control (a hook, a user function, a leaf's Grad): never recycled.</summary>
        public void Escape(Tensor t) => Refs.Remove(t.Storage);

        /// <summary>Returns t's storage to the pool when the pass owns it and no pending gradient views it.</summary>
        public void ReleaseIfFree(Tensor t)
        {
            if (Poisoned || !Refs.TryGetValue(t.Storage, out int n) || n > 0) return;
            Refs.Remove(t.Storage);
            Give(t.Storage);
        }

        /// <summary>Sets up the call of one node's backward function on its incoming gradient g.</summary>
        public void Enter(Delegate fn, Tensor g)
        {
            bool trusted = !Poisoned && IsLibrary(fn);
            if (!trusted) Escape(g);
            Tracking = trusted;
            Exclusive = trusted && Count(g) == 0 ? g.Storage : null;
        }

        public void Leave()
        {
            Tracking = false;
            Exclusive = null;
        }
    }

    static readonly Assembly s_library = typeof(GradPool).Assembly;

    // Library backward functions never keep their incoming gradient or a buffer they rented anywhere but in the
    // gradients they return; a function from another assembly might.
    static bool IsLibrary(Delegate fn) => fn.Method.Module.Assembly == s_library;
}
