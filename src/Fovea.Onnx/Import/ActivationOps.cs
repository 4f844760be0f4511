namespace Fovea.Onnx;

public static partial class OnnxOperators
{
    static Tensor?[] LeakyReluImport(OnnxNode n, Tensor?[] xs, OnnxContext ctx) => One(Ops.LeakyRelu(In(n, xs, 0), n.Float("alpha", 0.01f)));

    static Tensor?[] EluImport(OnnxNode n, Tensor?[] xs, OnnxContext ctx) => One(Ops.Elu(In(n, xs, 0), n.Float("alpha", 1f)));

    static Tensor?[] SeluImport(OnnxNode n, Tensor?[] xs, OnnxContext ctx)
    {
        var x = In(n, xs, 0);
        float alpha = n.Float("alpha", 1.67326319217681884765625f), gamma = n.Float("gamma", 1.05070102214813232421875f);
        if (!n.Has("alpha") && !n.Has("gamma")) return One(Ops.Selu(x));
        return One(Ops.Mul(Ops.Elu(x, alpha), gamma));
    }

    static Tensor?[] PReluImport(OnnxNode n, Tensor?[] xs, OnnxContext ctx)
    {
        var x = In(n, xs, 0);
        var s = In(n, xs, 1);
        bool perChannel = x.Rank >= 2 && s.Numel == x.Shape[1] && (s.Rank == 1 ? x.Rank == 2 : s.Rank == x.Rank - 1 && s.Shape[0] == x.Shape[1]);
        if (s.Numel == 1 || perChannel) return One(Ops.Prelu(x, s.Rank == 1 ? s : Ops.Reshape(s, s.Numel)));
        return One(Ops.Where(Ops.Gt(x, 0f), x, Ops.Mul(x, s)));
    }

    static Tensor?[] HardSigmoidImport(OnnxNode n, Tensor?[] xs, OnnxContext ctx)
    {
        float alpha = n.Float("alpha", 0.2f), beta = n.Float("beta", 0.5f);
        return One(Ops.Clamp(Ops.Add(Ops.Mul(In(n, xs, 0), alpha), beta), 0f, 1f));
    }

    // Softmax/LogSoftmax before opset 13: the input is seen as 2-D [prod(dims < axis), prod(dims >= axis)] and
    // normalised over the second axis (default axis 1); from 13 on, over one axis (default -1).
    static OnnxImporter SoftmaxLike(bool log, bool flatten) => (n, xs, _) =>
    {
        var x = In(n, xs, 0);
        if (!flatten)
        {
            int a = Axis(n, n.Int("axis", -1), x.Rank);
            return One(log ? Ops.LogSoftmax(x, a) : Ops.Softmax(x, a));
        }
        int axis = x.Rank == 0 ? 0 : Axis(n, n.Int("axis", 1), x.Rank);
        int outer = 1, inner = 1;
        for (int i = 0; i < x.Rank; i++) if (i < axis) outer *= x.Shape[i]; else inner *= x.Shape[i];
        var flat = Ops.Reshape(x, outer, inner);
        var y = log ? Ops.LogSoftmax(flat, 1) : Ops.Softmax(flat, 1);
        return One(Ops.Reshape(y, Dims(x)));
    };


    static Tensor?[] SoftplusImport(OnnxNode n, Tensor?[] xs, OnnxContext ctx) => One(Ops.Softplus(In(n, xs, 0), 1f, float.PositiveInfinity));

    static Tensor?[] SoftsignImport(OnnxNode n, Tensor?[] xs, OnnxContext ctx)
    {
        var x = In(n, xs, 0);
        return One(Ops.Div(x, Ops.Add(Ops.Abs(x), 1f)));
    }

    static Tensor?[] ThresholdedReluImport(OnnxNode n, Tensor?[] xs, OnnxContext ctx)
    {
        var x = In(n, xs, 0);
        return One(Ops.Mul(x, Ops.Gt(x, n.Float("alpha", 1f))));
    }

    static Tensor?[] CeluImport(OnnxNode n, Tensor?[] xs, OnnxContext ctx)
    {
        var x = In(n, xs, 0);
        float alpha = n.Float("alpha", 1f);
        // max(0,x) + min(0, alpha*(exp(x/alpha)-1))
        return One(Ops.Add(Ops.Relu(x), Ops.Clamp(Ops.Mul(Ops.Sub(Ops.Exp(Ops.Mul(x, 1f / alpha)), 1f), alpha), null, 0f)));
    }
}
