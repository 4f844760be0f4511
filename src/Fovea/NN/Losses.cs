using Fovea.Kernels.Loss;

namespace Fovea.NN;

/// <summary>
/// Loss functions in functional form (PyTorch's <c>torch.nn.functional</c> losses). Each is one recorded op with a
/// hand-written backward; the classification losses fuse log-softmax and the likelihood into one kernel.
/// Class weights and positive weights are constants (they get no gradient).
/// </summary>
public static class Losses
{
    /// <summary>
    /// Cross-entropy of logits [N,C], [N,C,d1,...] or [C] against class indices (a float tensor of integers of
    /// shape [N,d1,...]) or class probabilities (the logits' shape). Class-index losses skip
    /// <paramref name="ignoreIndex"/>; a weighted mean divides by the sum of the targets' weights.
    /// <paramref name="labelSmoothing"/> mixes the target with the uniform distribution. d/dlogits = softmax − target.
    /// </summary>
    public static Tensor CrossEntropy(Tensor input, Tensor target, Tensor? weight = null, int ignoreIndex = -100,
        LossReduction reduction = LossReduction.Mean, float labelSmoothing = 0f)
    {
        const string name = "CrossEntropyLoss";
        CheckReduction(name, reduction);
        CheckSmoothing(name, labelSmoothing);
        var (n, c, s, rowDims) = ClassLayout(name, input);
        var w = ClassWeights(name, weight, c);
        var x = Dense(input);
        int rows = n * s;
        if (target.Shape == input.Shape)
        {
            var t = Dense(target);
            var loss = new float[rows];
            var lse = new float[rows];
            CrossEntropyKernel.ForwardProb(x.Span, t.Span, w, n, c, s, labelSmoothing, loss, lse);
            var y = Reduce(loss, rowDims, reduction, rows);
            return Tape.Record(y, name, [input, target], g =>
            {
                var a = RowCoefficients(g, reduction, rows, rows);
                var gx = input.RequiresGrad ? Tensor.Empty(input.Shape) : null;
                var gt = target.RequiresGrad ? Tensor.Empty(target.Shape) : null;
                CrossEntropyKernel.BackwardProb(x.Span, t.Span, w, n, c, s, labelSmoothing, lse, a,
                    gx is null ? default : gx.Span, gt is null ? default : gt.Span);
                return [gx, gt];
            });
        }
        else
        {
            var t = ClassTargets(name, input, target, rowDims, c, ignoreIndex);
            var loss = new float[rows];
            var rowWeight = new float[rows];
            var lse = new float[rows];
            CrossEntropyKernel.ForwardIndex(x.Span, t, w, n, c, s, ignoreIndex, labelSmoothing, loss, rowWeight, lse);
            double denom = SumDouble(rowWeight);
            var y = Reduce(loss, rowDims, reduction, denom);
            return Tape.Record(y, name, [input], g =>
            {
                var a = RowCoefficients(g, reduction, rows, denom);
                var gx = Tensor.Empty(input.Shape);
                CrossEntropyKernel.BackwardIndex(x.Span, t, w, n, c, s, ignoreIndex, labelSmoothing, rowWeight, lse, a, gx.Span);
                return [gx];
            });
        }
    }

    /// <summary>
    /// Negative log-likelihood of log-probabilities [N,C], [N,C,d1,...] or [C] at class indices [N,d1,...]:
    /// −weight[y]·input[y], skipping <paramref name="ignoreIndex"/>; the weighted mean divides by the sum of the weights.
    /// </summary>
    public static Tensor Nll(Tensor input, Tensor target, Tensor? weight = null, int ignoreIndex = -100, LossReduction reduction = LossReduction.Mean)
    {
        const string name = "NLLLoss";
        CheckReduction(name, reduction);
        var (n, c, s, rowDims) = ClassLayout(name, input);
        var w = ClassWeights(name, weight, c);
        var x = Dense(input);
        var t = ClassTargets(name, input, target, rowDims, c, ignoreIndex);
        int rows = n * s;
        var loss = new float[rows];
        var rowWeight = new float[rows];
        CrossEntropyKernel.NllForward(x.Span, t, w, n, c, s, ignoreIndex, loss, rowWeight);
        double denom = SumDouble(rowWeight);
        var y = Reduce(loss, rowDims, reduction, denom);
        return Tape.Record(y, name, [input], g =>
        {
            var a = RowCoefficients(g, reduction, rows, denom);
            var gx = Tensor.Empty(input.Shape);
            CrossEntropyKernel.NllBackward(t, n, c, s, ignoreIndex, rowWeight, a, gx.Span);
            return [gx];
        });
    }

    /// <summary>Mean squared error (x − t)². d/dx = 2(x − t).</summary>
    public static Tensor Mse(Tensor input, Tensor target, LossReduction reduction = LossReduction.Mean)
        => Pointwise("MSELoss", new SquaredErrorLoss(), input, target, null, reduction);

    /// <summary>Mean absolute error |x − t|. d/dx = sign(x − t).</summary>
    public static Tensor L1(Tensor input, Tensor target, LossReduction reduction = LossReduction.Mean)
        => Pointwise("L1Loss", new AbsoluteErrorLoss(), input, target, null, reduction);

    /// <summary>0.5·d²/β where |d| &lt; β, else |d| − 0.5·β, with d = x − t (β = 0 gives L1).</summary>
    public static Tensor SmoothL1(Tensor input, Tensor target, LossReduction reduction = LossReduction.Mean, float beta = 1f)
    {
        if (!(beta >= 0)) throw new ArgumentException($"SmoothL1Loss: beta must be >= 0, got {beta}.");
        return Pointwise("SmoothL1Loss", new SmoothL1ElementLoss(beta), input, target, null, reduction);
    }

    /// <summary>0.5·d² where |d| &lt; δ, else δ·(|d| − 0.5·δ), with d = x − t.</summary>
    public static Tensor Huber(Tensor input, Tensor target, LossReduction reduction = LossReduction.Mean, float delta = 1f)
    {
        if (!(delta > 0)) throw new ArgumentException($"HuberLoss: delta must be > 0, got {delta}.");
        return Pointwise("HuberLoss", new HuberElementLoss(delta), input, target, null, reduction);
    }

    /// <summary>
    /// Binary cross-entropy of probabilities in [0, 1]: −w·(t·log x + (1−t)·log(1−x)), each log clamped to ≥ −100.
    /// <paramref name="weight"/> broadcasts to the input's shape.
    /// </summary>
    public static Tensor BinaryCrossEntropy(Tensor input, Tensor target, Tensor? weight = null, LossReduction reduction = LossReduction.Mean)
    {
        const string name = "BCELoss";
        CheckReduction(name, reduction);
        var x = Dense(input).Span;
        for (int i = 0; i < x.Length; i++)
            if (!(x[i] >= 0 && x[i] <= 1))
                throw new ArgumentException($"{name}: input {x[i]} at index {i} is outside [0, 1]; BCELoss takes probabilities (use BCEWithLogitsLoss for logits).");
        return Weighted(name, new BinaryCrossEntropyElementLoss(), input, target, null, weight, reduction);
    }

    /// <summary>
    /// Binary cross-entropy on logits, computed stably: −w·(p·t·log σ(x) + (1−t)·log(1−σ(x))) with the positive-class
    /// weight p (<paramref name="posWeight"/>, broadcast along the last axes, e.g. [C] for [N,C]).
    /// </summary>
    public static Tensor BinaryCrossEntropyWithLogits(Tensor input, Tensor target, Tensor? weight = null, Tensor? posWeight = null,
        LossReduction reduction = LossReduction.Mean)
    {
        const string name = "BCEWithLogitsLoss";
        CheckReduction(name, reduction);
        Tensor? aux = null;
        if (posWeight is not null)
        {
            CheckBroadcastsTo(name, "pos_weight", posWeight.Shape, input.Shape);
            aux = Ops.ContiguousCopy(Ops.Expand(posWeight.Detach(), input.Shape.ToArray()));
        }
        return Weighted(name, new BinaryCrossEntropyWithLogitsElementLoss(), input, target, aux, weight, reduction);
    }

    /// <summary>
    /// Kullback-Leibler divergence of the target distribution from the input, with the input given as
    /// log-probabilities: t·(log t − x), or e^t·(t − x) when <paramref name="logTarget"/>. Reduction
    /// <see cref="LossReduction.BatchMean"/> divides the sum by the batch size (the mathematically correct KL).
    /// </summary>
    public static Tensor KLDiv(Tensor input, Tensor target, LossReduction reduction = LossReduction.Mean, bool logTarget = false)
        => logTarget
            ? Pointwise("KLDivLoss", new KLDivLogTargetElementLoss(), input, target, null, reduction, allowBatchMean: true)
            : Pointwise("KLDivLoss", new KLDivElementLoss(), input, target, null, reduction, allowBatchMean: true);

    // ---- shared plumbing ----

    static Tensor Weighted<TLoss>(string name, TLoss op, Tensor input, Tensor target, Tensor? aux, Tensor? weight, LossReduction reduction)
        where TLoss : struct, IPointwiseLoss
    {
        if (weight is null) return Pointwise(name, op, input, target, aux, reduction);
        CheckBroadcastsTo(name, "weight", weight.Shape, input.Shape);
        var l = Ops.Mul(Pointwise(name, op, input, target, aux, LossReduction.None), weight);
        return reduction switch
        {
            LossReduction.Sum => Ops.Sum(l),
            LossReduction.Mean => Ops.Mean(l),
            _ => l,
        };
    }

    static Tensor Pointwise<TLoss>(string name, TLoss op, Tensor input, Tensor target, Tensor? aux, LossReduction reduction,
        bool allowBatchMean = false) where TLoss : struct, IPointwiseLoss
    {
        CheckReduction(name, reduction, allowBatchMean);
        if (input.Shape != target.Shape)
            throw new ShapeMismatchException($"{name}: input {input.Shape} and target {target.Shape} must have the same shape.");
        var x = Dense(input);
        var t = Dense(target);
        Tensor y;
        float scale = 1f;
        if (reduction == LossReduction.None)
        {
            y = Tensor.Empty(input.Shape);
            PointwiseLoss.Forward(op, x.Span, t.Span, aux is null ? default : aux.Span, y.Span);
        }
        else
        {
            double sum = PointwiseLoss.Sum(op, x.Span, t.Span, aux is null ? default : aux.Span);
            double count = reduction switch
            {
                LossReduction.Mean => input.Numel,
                LossReduction.BatchMean => input.Rank == 0 ? 1 : input.Shape[0],
                _ => 1,
            };
            y = Tensor.Scalar((float)(sum / count));
            scale = (float)(1 / count);
        }
        return Tape.Record(y, name, [input, target], g =>
        {
            var gx = input.RequiresGrad ? Tensor.Empty(input.Shape) : null;
            var gt = target.RequiresGrad ? Tensor.Empty(target.Shape) : null;
            bool none = reduction == LossReduction.None;
            var gc = none ? Dense(g) : null;
            PointwiseLoss.Backward(op, x.Span, t.Span, aux is null ? default : aux.Span,
                gc is null ? default : gc.Span, none ? 0f : g.Item() * scale,
                gx is null ? default : gx.Span, gt is null ? default : gt.Span);
            return [gx, gt];
        });
    }

    static Tensor Dense(Tensor t) => t.IsContiguous ? t.Detach() : Ops.ContiguousCopy(t);

    static void CheckReduction(string name, LossReduction r, bool allowBatchMean = false)
    {
        if (r is LossReduction.None or LossReduction.Mean or LossReduction.Sum) return;
        if (r == LossReduction.BatchMean && allowBatchMean) return;
        throw new ArgumentException($"{name}: reduction {r} is not supported (expected None, Mean or Sum{(allowBatchMean ? " or BatchMean" : "")}).");
    }

    internal static void CheckSmoothing(string name, float s)
    {
        if (!(s >= 0 && s <= 1)) throw new ArgumentException($"{name}: labelSmoothing must be in [0, 1], got {s}.");
    }

    static void CheckBroadcastsTo(string name, string what, Shape s, Shape to)
    {
        bool ok = s.Rank <= to.Rank;
        for (int i = 1; ok && i <= s.Rank; i++) ok = s[^i] == 1 || s[^i] == to[^i];
        if (!ok) throw new ShapeMismatchException($"{name}: {what} {s} does not broadcast to the input's shape {to}.");
    }

    /// <summary>Logits as [n, c, s]; the per-row (target) shape is the input's without axis 1 ([] for a 1-D input).</summary>
    static (int n, int c, int s, int[] rowDims) ClassLayout(string name, Tensor input)
    {
        if (input.Rank == 0)
            throw new ShapeMismatchException($"{name}: input must be [C], [N,C] or [N,C,d1,...], got a 0-D tensor.");
        if (input.Rank == 1) return (1, input.Shape[0], 1, []);
        var d = input.Shape.ToArray();
        int s = 1;
        var rowDims = new int[d.Length - 1];
        rowDims[0] = d[0];
        for (int i = 2; i < d.Length; i++) { s *= d[i]; rowDims[i - 1] = d[i]; }
        if (d[1] == 0) throw new ShapeMismatchException($"{name}: input {input.Shape} has no classes.");
        return (d[0], d[1], s, rowDims);
    }

    static float[] ClassWeights(string name, Tensor? weight, int c)
    {
        if (weight is null) return [];
        if (weight.Rank != 1 || weight.Shape[0] != c)
            throw new ShapeMismatchException($"{name}: weight {weight.Shape} must have one entry per class, [{c}].");
        return weight.ToArray();
    }

    static float[] ClassTargets(string name, Tensor input, Tensor target, int[] rowDims, int c, int ignoreIndex)
    {
        if (target.Shape != new Shape(rowDims))
            throw new ShapeMismatchException(
                $"{name}: target {target.Shape} must hold class indices of shape {Shape.Format(rowDims)} or probabilities of the input's shape {input.Shape}.");
        var t = target.ToArray();
        for (int i = 0; i < t.Length; i++)
        {
            float v = t[i];
            if (v == ignoreIndex) continue;
            if (!(v >= 0 && v < c) || v != MathF.Floor(v))
                throw new ArgumentException(
                    $"{name}: target {v} at index {i} is out of range for {c} classes (expected an integer in [0, {c}) or ignore_index {ignoreIndex}).");
        }
        return t;
    }

    static double SumDouble(ReadOnlySpan<float> v)
    {
        double s = 0;
        foreach (float f in v) s += f;
        return s;
    }

    static Tensor Reduce(float[] rowLoss, int[] rowDims, LossReduction reduction, double denom) => reduction switch
    {
        LossReduction.None => Tensor.Wrap(rowLoss, rowDims),
        LossReduction.Sum => Tensor.Scalar((float)SumDouble(rowLoss)),
        _ => Tensor.Scalar((float)(SumDouble(rowLoss) / denom)),
    };

    /// <summary>The upstream gradient of every row: g itself for no reduction, g/denominator (or g) spread otherwise.</summary>
    static float[] RowCoefficients(Tensor g, LossReduction reduction, int rows, double denom)
    {
        if (reduction == LossReduction.None) return g.ToArray();
        var a = new float[rows];
        Array.Fill(a, reduction == LossReduction.Mean ? (float)(g.Item() / denom) : g.Item());
        return a;
    }
}
