using Fovea.Kernels;

namespace Fovea;

public static partial class Ops
{
    /// <summary>
    /// Batch normalisation of x [N,C], [N,C,L], [N,C,H,W] or [N,C,D,H,W] per channel, like
    /// <c>torch.nn.functional.batch_norm</c>: y = (x - mean)/sqrt(var + eps)·weight + bias. Training uses the batch's
    /// mean and biased variance and, when running statistics are given, updates them in place with PyTorch's
    /// convention r = (1 - momentum)·r + momentum·batch (unbiased variance); evaluation uses the running statistics.
    /// One fused kernel; backward in closed form (training: d/dx = w·invstd·(g - mean(g) - x̂·mean(g·x̂))).
    /// </summary>
    public static Tensor BatchNorm(Tensor x, Tensor? runningMean, Tensor? runningVar, Tensor? weight, Tensor? bias, bool training,
        float momentum = 0.1f, float eps = 1e-5f)
    {
        const string op = "BatchNorm";
        if (x.Rank < 2 || x.Rank > 5) throw new ShapeMismatchException($"{op}: expected a 2-D to 5-D input [N,C,*], got {x.Shape}.");
        int n = x.Shape[0], c = x.Shape[1];
        int s = 1;
        for (int i = 2; i < x.Rank; i++) s *= x.Shape[i];
        CheckNormParam(op, "weight", weight, [c], x.Shape);
        CheckNormParam(op, "bias", bias, [c], x.Shape);
        CheckNormParam(op, "running mean", runningMean, [c], x.Shape);
        CheckNormParam(op, "running variance", runningVar, [c], x.Shape);
        if ((runningMean is null) != (runningVar is null)) throw new ArgumentException($"{op}: give both running mean and running variance, or neither.");
        if (!training && runningMean is null) throw new ArgumentException($"{op}: evaluation mode needs running statistics (or pass training: true to use the batch's).");
        if (training && (long)n * s <= 1) throw new ArgumentException($"{op}: expected more than 1 value per channel when training, got input {x.Shape}.");
        if (runningMean is not null && (!runningMean.IsContiguous || !runningVar!.IsContiguous))
            throw new ArgumentException($"{op}: running statistics must be contiguous (they are updated in place).");

        var xd = DetachedDense(x);
        var y = Tensor.Uninitialized(x.Shape);
        var mean = new float[c];
        var invstd = new float[c];
        BatchNormKernel.Forward(xd.Span, y.Span, n, c, s, NormSpan(weight), NormSpan(bias),
            runningMean is null ? Span<float>.Empty : runningMean.Span,
            runningVar is null ? Span<float>.Empty : runningVar.Span,
            training, momentum, eps, mean, invstd);
        return Tape.Record(y, op, [x, weight, bias], g =>
        {
            // The input gradient may overwrite g itself (channel by channel, after its sums) when nobody else views g.
            var gx = !x.RequiresGrad ? null : s > 1 ? GradPool.ReuseOrRent(g, x.Shape) : GradPool.Rent(x.Shape);
            var gw = weight is { RequiresGrad: true } ? Tensor.Empty(weight.Shape) : null;
            var gb = bias is { RequiresGrad: true } ? Tensor.Empty(bias.Shape) : null;
            BatchNormKernel.Backward(PoolDense(g), xd.Span, n, c, s, NormSpan(weight), mean, invstd, training,
                gx is null ? Span<float>.Empty : gx.Span, gw is null ? Span<float>.Empty : gw.Span, gb is null ? Span<float>.Empty : gb.Span);
            return [gx, gw, gb];
        });
    }

    /// <summary>Throws unless an optional per-channel (or per-element) parameter has the expected shape.</summary>
    internal static void CheckNormParam(string op, string name, Tensor? p, int[] expected, Shape input)
    {
        if (p is null) return;
        if (p.Shape != new Shape(expected))
            throw new ShapeMismatchException($"{op}: {name} has shape {p.Shape}, expected {Shape.Format(expected)} for input {input}.");
    }

    /// <summary>A contiguous tensor holding x's values (x itself when already contiguous), cut from the graph.</summary>
    internal static Tensor DetachedDense(Tensor x) => x.IsContiguous ? x.Detach() : ContiguousCopy(x);

    /// <summary>An optional parameter's values, or an empty span.</summary>
    internal static ReadOnlySpan<float> NormSpan(Tensor? p) => p is null ? ReadOnlySpan<float>.Empty : PoolDense(p);
}
