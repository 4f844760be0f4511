namespace Fovea.Onnx;

public static partial class OnnxOperators
{
    // NegativeLogLikelihoodLoss: loss[n,d...] = -input[n, target[n,d...], d...] · weight[target], 0 where the target
    // is ignore_index; "mean" divides the sum by the summed weights of the targets not ignored.
    static Tensor?[] NllImport(OnnxNode n, Tensor?[] xs, OnnxContext ctx) =>
        One(Nll(n, In(n, xs, 0), In(n, xs, 1), Opt(xs, 2)));

    static Tensor Nll(OnnxNode n, Tensor logp, Tensor target, Tensor? weight)
    {
        if (logp.Rank < 2 || target.Rank != logp.Rank - 1)
            throw new ShapeMismatchException($"{n}: input {logp.Shape} and target {target.Shape} do not fit [N,C,d...] and [N,d...].");
        string reduction = n.String("reduction", "mean");
        if (reduction is not ("none" or "sum" or "mean")) throw n.Error($"reduction '{reduction}' is not none, sum or mean");
        Tensor mask = n.Has("ignore_index") ? Ops.Ne(target, (float)n.Int("ignore_index")) : Tensor.OnesLike(target);
        var safe = Ops.Mul(target, mask);
        var picked = Ops.Reshape(Ops.Gather(logp, 1, Ops.Unsqueeze(safe, 1)), Dims(target));
        var w = weight is null ? mask : Ops.Mul(Ops.Reshape(Ops.IndexSelect(weight, 0, Ops.Reshape(safe, safe.Numel)), Dims(target)), mask);
        var loss = Ops.Neg(Ops.Mul(picked, w));
        return reduction switch
        {
            "none" => loss,
            "sum" => Ops.Sum(loss),
            _ => Ops.Div(Ops.Sum(loss), Ops.Sum(w)),
        };
    }

    // SoftmaxCrossEntropyLoss: NLL of the log-softmax over axis 1; the optional second output is the log-softmax.
    static Tensor?[] SoftmaxCrossEntropyImport(OnnxNode n, Tensor?[] xs, OnnxContext ctx)
    {
        var logp = Ops.LogSoftmax(In(n, xs, 0), 1);
        var loss = Nll(n, logp, In(n, xs, 1), Opt(xs, 2));
        return [loss, logp];
    }
}
