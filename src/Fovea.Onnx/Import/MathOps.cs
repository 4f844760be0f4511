namespace Fovea.Onnx;

public static partial class OnnxOperators
{
    static OnnxImporter Binary(Func<Tensor, Tensor, Tensor> f) => (n, xs, _) => One(f(In(n, xs, 0), In(n, xs, 1)));

    static OnnxImporter Unary(Func<Tensor, Tensor> f) => (n, xs, _) => One(f(In(n, xs, 0)));

    static OnnxImporter Variadic(Func<Tensor, Tensor, Tensor> f, bool mean = false) => (n, xs, _) =>
    {
        if (xs.Length == 0) throw n.Error("needs at least one input");
        var acc = In(n, xs, 0);
        for (int i = 1; i < xs.Length; i++) acc = f(acc, In(n, xs, i));
        if (mean) acc = Ops.Mul(acc, 1f / xs.Length);
        return One(xs.Length == 1 ? acc.Clone() : acc);
    };

    // Gemm: Y = alpha * A' B' + beta * C (C broadcast), A' = A or Aᵀ, B' = B or Bᵀ.
    static Tensor?[] GemmImport(OnnxNode n, Tensor?[] xs, OnnxContext ctx)
    {
        var a = In(n, xs, 0);
        var b = In(n, xs, 1);
        var c = Opt(xs, 2);
        if (a.Rank != 2 || b.Rank != 2) throw new ShapeMismatchException($"{n}: expected 2-D A and B, got {a.Shape} and {b.Shape}.");
        if (n.Int("transA", 0) != 0) a = Ops.Transpose(a, 0, 1);
        if (n.Int("transB", 0) != 0) b = Ops.Transpose(b, 0, 1);
        float alpha = n.Float("alpha", 1f), beta = n.Float("beta", 1f);
        var y = Ops.MatMul(a, b);
        if (alpha != 1f) y = Ops.Mul(y, alpha);
        if (c is not null) y = Ops.Add(y, beta == 1f ? c : Ops.Mul(c, beta));
        return One(y);
    }

    static Tensor?[] MatMulImport(OnnxNode n, Tensor?[] xs, OnnxContext ctx) => One(Ops.MatMul(In(n, xs, 0), In(n, xs, 1)));

    static Tensor?[] ClipImport(OnnxNode n, Tensor?[] xs, OnnxContext ctx)
    {
        var x = In(n, xs, 0);
        float? lo, hi;
        if (n.Opset < 11)
        {
            lo = n.Has("min") ? n.Float("min", 0) : null;
            hi = n.Has("max") ? n.Float("max", 0) : null;
        }
        else
        {
            lo = Opt(xs, 1) is { } l ? l.Contiguous().ToArray()[0] : null;
            hi = Opt(xs, 2) is { } h ? h.Contiguous().ToArray()[0] : null;
        }
        if (lo is null && hi is null) return One(x.Clone());
        if (lo > hi) return One(Ops.Add(Ops.Mul(x, 0f), hi!.Value));   // ONNX: min > max gives max everywhere
        return One(Ops.Clamp(x, lo, hi));
    }

    static Tensor?[] CastImport(OnnxNode n, Tensor?[] xs, OnnxContext ctx)
    {
        var x = In(n, xs, 0);
        int to = n.Int32("to", 1);
        return One(CastTo(x, to, n));
    }

    // CastLike: to the declared type of the second input (float when the graph does not declare it).
    static Tensor?[] CastLikeImport(OnnxNode n, Tensor?[] xs, OnnxContext ctx)
    {
        int to = n.InputTypes.Length > 1 && n.InputTypes[1] != 0 ? n.InputTypes[1] : 1;
        return One(CastTo(In(n, xs, 0), to, n));
    }

    internal static Tensor CastTo(Tensor x, int to, OnnxNode? n)
    {
        switch (to)
        {
            case 1 or 11: return x.Clone();
            case 9: return Ops.Ne(x, 0f);
            case 10:
                {
                    var a = x.Contiguous().ToArray();
                    for (int i = 0; i < a.Length; i++) a[i] = (float)(Half)a[i];
                    return OnnxTensors.Make(a, Dims(x));
                }
            case 16:
                {
                    var a = x.Contiguous().ToArray();
                    for (int i = 0; i < a.Length; i++)
                    {
                        uint bits = BitConverter.SingleToUInt32Bits(a[i]);
                        if (!float.IsNaN(a[i])) bits += 0x7FFF + ((bits >> 16) & 1);   // round to nearest even
                        a[i] = BitConverter.UInt32BitsToSingle(bits & 0xFFFF0000);
                    }
                    return OnnxTensors.Make(a, Dims(x));
                }
            case 2 or 3 or 4 or 5 or 6 or 7 or 12 or 13:
                {
                    var a = x.Contiguous().ToArray();
                    for (int i = 0; i < a.Length; i++) a[i] = MathF.Truncate(a[i]);
                    return OnnxTensors.Make(a, Dims(x));
                }
            default:
                throw new OnnxUnsupportedException($"{(object?)n ?? "Cast"}: casting to {OnnxTensors.TypeName(to)} is not supported.");
        }
    }

    static void CastCheck(OnnxNode n)
    {
        int to = n.Int32("to", 1);
        if (to is not (1 or 2 or 3 or 4 or 5 or 6 or 7 or 9 or 10 or 11 or 12 or 13 or 16))
            throw new OnnxUnsupportedException($"{n}: casting to {OnnxTensors.TypeName(to)} is not supported.");
    }

    // Div: integer inputs (as the graph declares them) divide with truncation toward zero, like C.
    static Tensor?[] DivImport(OnnxNode n, Tensor?[] xs, OnnxContext ctx)
    {
        var q = Ops.Div(In(n, xs, 0), In(n, xs, 1));
        bool integral = n.InputTypes.Length == 2 && OnnxTensors.IsIntegral(n.InputTypes[0]) && OnnxTensors.IsIntegral(n.InputTypes[1]);
        return One(integral ? Ops.Mul(Ops.Sign(q), Ops.Floor(Ops.Abs(q))) : q);
    }

    static Tensor Ceil(Tensor x) => Ops.Neg(Ops.Floor(Ops.Neg(x)));

    static Tensor Not(Tensor x) => Ops.Eq(x, 0f);
}
