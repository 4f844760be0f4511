namespace Fovea.Onnx;

public static partial class OnnxOperators
{
    // Reduce*: axes as an attribute, or as the second input (ReduceSum from opset 13, the others from 18);
    // no axes reduces everything unless noop_with_empty_axes.
    static OnnxImporter Reduce(string kind) => (n, xs, _) =>
    {
        var x = In(n, xs, 0);
        int inputSince = kind == "Sum" ? 13 : 18;
        var axes = AxesInputOrAttr(n, xs, 1, inputSince);
        bool keep = n.Int("keepdims", 1) != 0;
        if (axes is null || axes.Length == 0)
        {
            if (n.Int("noop_with_empty_axes", 0) != 0) return One(x);
            axes = Enumerable.Range(0, x.Rank).ToArray();
        }
        else axes = Axes(n, axes, x.Rank).Distinct().ToArray();
        if (x.Rank == 0) return One(ReduceScalar(kind, x));
        return One(kind switch
        {
            "Mean" => Ops.Mean(x, axes, keep),
            "Sum" => Ops.Sum(x, axes, keep),
            "Max" => Extreme(x, axes, keep, max: true),
            "Min" => Extreme(x, axes, keep, max: false),
            "L1" => Ops.Sum(Ops.Abs(x), axes, keep),
            "L2" => Ops.Sqrt(Ops.Sum(Ops.Square(x), axes, keep)),
            "SumSquare" => Ops.Sum(Ops.Square(x), axes, keep),
            "LogSum" => Ops.Log(Ops.Sum(x, axes, keep)),
            "LogSumExp" => LogSumExp(x, axes, keep),
            "Prod" => Prod(x, axes, keep),
            _ => throw new OnnxUnsupportedException($"{n}: Reduce{kind} is not supported."),
        });
    };

    static Tensor ReduceScalar(string kind, Tensor x) => kind switch
    {
        "L1" => Ops.Abs(x),
        "L2" => Ops.Abs(x),
        "SumSquare" => Ops.Square(x),
        "LogSum" => Ops.Log(x),
        _ => x.Clone(),
    };

    static Tensor Extreme(Tensor x, int[] axes, bool keep, bool max)
    {
        foreach (var a in axes.OrderByDescending(a => a))
            x = max ? Ops.Max(x, a, keepDim: true) : Ops.Min(x, a, keepDim: true);
        if (keep) return x;
        var dims = new List<int>();
        for (int i = 0; i < x.Rank; i++) if (!axes.Contains(i)) dims.Add(x.Shape[i]);
        return Ops.Reshape(x, [.. dims]);
    }

    // Product as exp(Σ log|x|) with the sign from the parity of the negative entries (zeros give exp(-inf) = 0).
    static Tensor Prod(Tensor x, int[] axes, bool keep)
    {
        var mag = Ops.Exp(Ops.Sum(Ops.Log(Ops.Abs(x)), axes, keep));
        var negatives = Ops.Sum(Ops.Lt(x, 0f), axes, keep);
        var odd = Ops.Sub(negatives, Ops.Mul(Ops.Floor(Ops.Mul(negatives, 0.5f)), 2f));
        return Ops.Mul(mag, Ops.Sub(1f, Ops.Mul(odd, 2f)));
    }

    static Tensor LogSumExp(Tensor x, int[] axes, bool keep)
    {
        var m = Extreme(x, axes, true, max: true).Detach();
        var s = Ops.Add(Ops.Log(Ops.Sum(Ops.Exp(Ops.Sub(x, m)), axes, keepDim: true)), m);
        if (keep) return s;
        var dims = new List<int>();
        for (int i = 0; i < x.Rank; i++) if (!axes.Contains(i)) dims.Add(x.Shape[i]);
        return Ops.Reshape(s, [.. dims]);
    }
}
