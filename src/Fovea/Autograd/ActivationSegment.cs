namespace Fovea;

/// <summary>
/// Recycles the forward activations of a training step. <see cref="NN.Sequential"/> hands over the buffers of the
/// outputs it passes from one child to the next (never its input's or its output's) when every child is a library
/// layer known not to keep its input or output (and has no forward hook, which would see them). Nobody outside the
/// library can reach those tensors: only the graph's nodes hold them, in their backward closures (which read them)
/// and in their input lists (which nothing reads after the backward pass). So the buffers are free once every node
/// recorded during that forward has run its backward function and dropped it (a backward pass without
/// <c>retainGraph</c>); <see cref="Autograd.Backward"/> then gives them to <see cref="GradPool"/>'s free lists, from
/// which <see cref="Allocate"/> serves the next step's outputs. A graph that is never backpropagated through (or only
/// with <c>retainGraph</c>) keeps its buffers, which the garbage collector frees as before. Under
/// <see cref="Autograd.NoGrad"/> nothing is recorded, so Sequential returns an activation as soon as the next child
/// has consumed it into a buffer of its own.
/// </summary>
internal sealed class ActivationSegment(List<Node> nodes, List<float[]> buffers)
{
    /// <summary>Buffers of fewer elements than this are neither recycled nor taken from the free lists. 2K floats: a
    /// batch-1 forward's 25 KB and 12 KB activations are recycled too (hot in cache: fmnist-cnn 31.5 → 30.4 µs; it was
    /// 16K, bench/NOTES.md), while tiny ones stay with the garbage collector.</summary>
    internal const int MinElements = 2 * 1024;

    /// <summary>The nodes recorded on this thread while a Sequential forward that may recycle is running, else null.</summary>
    [ThreadStatic] internal static List<Node>? Captured;

    bool _released;

    /// <summary>An uninitialised buffer of n floats: a recycled one of that length when one is free.</summary>
    internal static float[] Allocate(int n)
        => (n >= MinElements ? GradPool.Take(n) : null) ?? GC.AllocateUninitializedArray<float>(n);

    /// <summary>A zeroed buffer of n floats: a recycled one (cleared) of that length when one is free.</summary>
    internal static float[] AllocateZeroed(int n)
    {
        if (n < MinElements || GradPool.Take(n) is not { } a) return new float[n];
        a.AsSpan().Clear();
        return a;
    }

    /// <summary>Gives a dead buffer to the free lists (only buffers nothing can read or write any more).</summary>
    internal static void Recycle(float[] buffer)
    {
        if (buffer.Length >= MinElements) GradPool.Give(buffer);
    }

    /// <summary>Releases the buffers when every node recorded in the forward has dropped its backward function.</summary>
    internal void TryRelease()
    {
        if (_released) return;
        foreach (var n in nodes) if (n.Backward is not null) return;
        _released = true;
        foreach (var b in buffers) Recycle(b);
    }
}
