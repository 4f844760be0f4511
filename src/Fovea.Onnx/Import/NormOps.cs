namespace Fovea.Onnx;

public static partial class OnnxOperators
{
    // BatchNormalization: X, scale, B, mean, var. In training mode the module normalises with batch statistics and
    // updates the running statistics in place (ONNX momentum m is PyTorch's 1 - m).
    static Tensor?[] BatchNormalizationImport(OnnxNode n, Tensor?[] xs, OnnxContext ctx)
    {
        var x = In(n, xs, 0);
        float eps = n.Float("epsilon", 1e-5f);
        float momentum = n.Float("momentum", 0.9f);
        if (n.Int("training_mode", 0) != 0 && n.Outputs.Count(o => o.Length > 0) > 1)
            return BatchNormTrainingOutputs(n, x, In(n, xs, 1), In(n, xs, 2), In(n, xs, 3), In(n, xs, 4), eps, momentum);
        bool training = ctx.Training || n.Int("training_mode", 0) != 0;
        var y = Ops.BatchNorm(x, In(n, xs, 3), In(n, xs, 4), In(n, xs, 1), In(n, xs, 2), training, 1f - momentum, eps);
        return One(y);
    }

    static void BatchNormCheck(OnnxNode n)
    {
        if (n.Opset < 14 && n.Outputs.Count(o => o.Length > 0) > 1)
            throw new OnnxUnsupportedException($"{n}: the training outputs of opsets before 14 (saved mean and variance) are not supported.");
    }

    // BatchNormalization with training_mode=1 (opset 14+) and its running-statistics outputs:
    // running = input_running · momentum + batch · (1 − momentum), with the population (biased) batch variance.
    static Tensor?[] BatchNormTrainingOutputs(OnnxNode n, Tensor x, Tensor scale, Tensor bias, Tensor mean, Tensor var, float eps, float momentum)
    {
        var axes = Enumerable.Range(0, x.Rank).Where(a => a != 1).ToArray();
        var shape = new int[x.Rank];
        Array.Fill(shape, 1);
        shape[1] = x.Shape[1];
        var bm = Ops.Mean(x, axes, keepDim: true);
        var bv = Ops.Var(x, axes, keepDim: true, correction: 0);
        var y = Ops.Add(Ops.Mul(Ops.Div(Ops.Sub(x, bm), Ops.Sqrt(Ops.Add(bv, eps))), Ops.Reshape(scale, shape)), Ops.Reshape(bias, shape));
        var rm = Ops.Add(Ops.Mul(mean, momentum), Ops.Mul(Ops.Reshape(bm, mean.Shape.ToArray()), 1f - momentum));
        var rv = Ops.Add(Ops.Mul(var, momentum), Ops.Mul(Ops.Reshape(bv, var.Shape.ToArray()), 1f - momentum));
        return [y, rm, rv];
    }

    static Tensor?[] InstanceNormalizationImport(OnnxNode n, Tensor?[] xs, OnnxContext ctx) =>
        One(Ops.InstanceNorm(In(n, xs, 0), In(n, xs, 1), In(n, xs, 2), n.Float("epsilon", 1e-5f)));

    static void LrnCheck(OnnxNode n)
    {
        if (n.Int("size") % 2 == 0) throw new OnnxUnsupportedException($"{n}: an even LRN size is not supported (its window differs from Fovea's).");
    }

    static Tensor?[] LrnImport(OnnxNode n, Tensor?[] xs, OnnxContext ctx) =>
        One(Ops.LocalResponseNorm(In(n, xs, 0), n.Int32("size", 1), n.Float("alpha", 1e-4f), n.Float("beta", 0.75f), n.Float("bias", 1f)));

    static Tensor?[] LayerNormalizationImport(OnnxNode n, Tensor?[] xs, OnnxContext ctx)
    {
        var x = In(n, xs, 0);
        int axis = Axis(n, n.Int("axis", -1), x.Rank);
        var scale = In(n, xs, 1);
        var bias = Opt(xs, 2);
        var norm = Dims(x)[axis..];
        if (scale.Shape != new Shape(norm)) scale = Ops.Expand(Ops.Reshape(scale, LeftPad(Dims(scale), norm.Length)), norm).Contiguous();
        if (bias is not null && bias.Shape != new Shape(norm)) bias = Ops.Expand(Ops.Reshape(bias, LeftPad(Dims(bias), norm.Length)), norm).Contiguous();
        float eps = n.Float("epsilon", 1e-5f);
        var y = Ops.LayerNorm(x, norm, scale, bias, eps);
        if (n.Outputs.Length == 1) return One(y);
        var axes = Enumerable.Range(axis, x.Rank - axis).ToArray();
        var mean = Ops.Mean(x, axes, keepDim: true);
        var invStd = Ops.Reciprocal(Ops.Sqrt(Ops.Add(Ops.Var(x, axes, keepDim: true, correction: 0), eps)));
        return [y, mean, invStd];
    }

    static int[] LeftPad(int[] dims, int rank)
    {
        if (dims.Length >= rank) return dims;
        var r = new int[rank];
        Array.Fill(r, 1);
        dims.CopyTo(r, rank - dims.Length);
        return r;
    }
}
