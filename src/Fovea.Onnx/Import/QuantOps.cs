namespace Fovea.Onnx;

// Integer-valued operators on float-held data: exact while the values stay within ±2^24.
public static partial class OnnxOperators
{
    static Tensor?[] BitShiftImport(OnnxNode n, Tensor?[] xs, OnnxContext ctx)
    {
        var x = In(n, xs, 0);
        var p = Ops.Pow(Tensor.Scalar(2f), In(n, xs, 1));
        string dir = n.String("direction", "");
        int bits = n.InputTypes.Length > 0 ? n.InputTypes[0] switch { 2 => 8, 4 => 16, 12 => 32, _ => 64 } : 64;
        if (dir == "LEFT")
        {
            var y = Ops.Mul(x, p);
            if (bits < 32) { float m = MathF.Pow(2, bits); y = Ops.Sub(y, Ops.Mul(Ops.Floor(Ops.Div(y, m)), m)); }   // wrap around
            return One(y);
        }
        if (dir == "RIGHT") return One(Ops.Floor(Ops.Div(x, p)));
        throw n.Error($"direction '{dir}' is not LEFT or RIGHT");
    }

    // QuantizeLinear: saturate(round_half_even(x / scale) + zero_point) to the zero point's type (uint8 by default).
    static Tensor?[] QuantizeLinearImport(OnnxNode n, Tensor?[] xs, OnnxContext ctx)
    {
        var x = In(n, xs, 0);
        var scale = PerAxis(n, In(n, xs, 1), x);
        var zp = Opt(xs, 2) is { } z ? PerAxis(n, z, x) : null;
        int type = n.InputTypes.Length > 2 && n.InputTypes[2] != 0 ? n.InputTypes[2] : 2;
        var (lo, hi) = type switch { 3 => (-128f, 127f), 2 => (0f, 255f), 5 => (-32768f, 32767f), 4 => (0f, 65535f), _ => throw new OnnxUnsupportedException($"{n}: quantizing to {OnnxTensors.TypeName(type)} is not supported.") };
        var q = Ops.Round(Ops.Div(x, scale));
        if (zp is not null) q = Ops.Add(q, zp);
        return One(Ops.Clamp(q, lo, hi));
    }

    static Tensor?[] DequantizeLinearImport(OnnxNode n, Tensor?[] xs, OnnxContext ctx)
    {
        var x = In(n, xs, 0);
        var scale = PerAxis(n, In(n, xs, 1), x);
        var y = Opt(xs, 2) is { } z ? Ops.Sub(x, PerAxis(n, z, x)) : x;
        return One(Ops.Mul(y, scale));
    }

    // A per-axis scale or zero point [C] reshaped to broadcast along `axis` (default 1); scalars stay as they are.
    static Tensor PerAxis(OnnxNode n, Tensor s, Tensor x)
    {
        if (s.Rank == 0 || s.Numel == 1 && s.Rank <= 1) return s.Rank == 0 ? s : Ops.Reshape(s, []);
        int axis = Axis(n, n.Int("axis", 1), x.Rank);
        var shape = new int[x.Rank];
        Array.Fill(shape, 1);
        shape[axis] = s.Numel;
        return Ops.Reshape(s, shape);
    }

    // DynamicQuantizeLinear: uint8 with scale = (max(0,max x) - min(0,min x)) / 255 and a rounded, saturated zero point.
    static Tensor?[] DynamicQuantizeLinearImport(OnnxNode n, Tensor?[] xs, OnnxContext ctx)
    {
        var x = In(n, xs, 0);
        var v = x.Contiguous().ToArray();
        float mx = 0, mn = 0;
        foreach (var f in v) { mx = Math.Max(mx, f); mn = Math.Min(mn, f); }
        float scale = (mx - mn) / 255f;
        float zp = scale == 0 ? 0 : Math.Clamp(MathF.Round(-mn / scale, MidpointRounding.ToEven), 0, 255);
        var q = scale == 0 ? Tensor.Zeros(Dims(x)) : Ops.Clamp(Ops.Add(Ops.Round(Ops.Div(x, Tensor.Scalar(scale))), zp), 0f, 255f);
        return [q, Tensor.Scalar(scale), Tensor.Scalar(zp)];
    }
}

public static partial class OnnxOperators
{
    // Zero point subtracted along an axis: a scalar, or one value per row (axis 0 of a weight) / per channel.
    static Tensor MinusZeroPoint(Tensor v, Tensor? zp, int axis)
    {
        if (zp is null) return v;
        if (zp.Numel == 1) return Ops.Sub(v, Ops.Reshape(zp, []));
        var shape = new int[v.Rank];
        Array.Fill(shape, 1);
        shape[axis] = zp.Numel;
        return Ops.Sub(v, Ops.Reshape(zp, shape));
    }

    static (float lo, float hi) Saturation(OnnxNode n, int index) =>
        (n.InputTypes.Length > index ? n.InputTypes[index] : 2) switch { 3 => (-128f, 127f), 0 or 2 => (0f, 255f), var t => throw new OnnxUnsupportedException($"{n}: output type {OnnxTensors.TypeName(t)} is not supported.") };

    static Tensor?[] ConvIntegerImport(OnnxNode n, Tensor?[] xs, OnnxContext ctx)
    {
        var x = MinusZeroPoint(In(n, xs, 0), Opt(xs, 2), 1);
        var w = MinusZeroPoint(In(n, xs, 1), Opt(xs, 3), 0);
        return ConvImport(n, [x, w], ctx);
    }

    static Tensor?[] MatMulIntegerImport(OnnxNode n, Tensor?[] xs, OnnxContext ctx)
    {
        var a = In(n, xs, 0);
        var b = In(n, xs, 1);
        a = MinusZeroPoint(a, Opt(xs, 2), a.Rank - 2 < 0 ? 0 : a.Rank - 2);
        b = MinusZeroPoint(b, Opt(xs, 3), b.Rank - 1);
        return One(Ops.MatMul(a, b));
    }

    // QLinearMatMul / QLinearConv: dequantize, compute, requantize with round-half-even and saturation.
    static Tensor Requantize(OnnxNode n, Tensor acc, Tensor scale, Tensor yScale, Tensor? yZp, int yZpIndex)
    {
        var q = Ops.Round(Ops.Div(Ops.Mul(acc, scale), Ops.Reshape(yScale, [])));
        if (yZp is not null) q = Ops.Add(q, Ops.Reshape(yZp, []));
        var (lo, hi) = Saturation(n, yZpIndex);
        return Ops.Clamp(q, lo, hi);
    }

    static Tensor?[] QLinearMatMulImport(OnnxNode n, Tensor?[] xs, OnnxContext ctx)
    {
        var a = In(n, xs, 0);
        var b = In(n, xs, 3);
        var acc = Ops.MatMul(MinusZeroPoint(a, Opt(xs, 2), Math.Max(a.Rank - 2, 0)), MinusZeroPoint(b, Opt(xs, 5), b.Rank - 1));
        var scale = Ops.Mul(Ops.Reshape(In(n, xs, 1), []), In(n, xs, 4).Numel == 1 ? Ops.Reshape(In(n, xs, 4), []) : In(n, xs, 4));
        return One(Requantize(n, acc, scale, In(n, xs, 6), Opt(xs, 7), 7));
    }

    static Tensor?[] QLinearConvImport(OnnxNode n, Tensor?[] xs, OnnxContext ctx)
    {
        var x = MinusZeroPoint(In(n, xs, 0), Opt(xs, 2), 1);
        var w = MinusZeroPoint(In(n, xs, 3), Opt(xs, 5), 0);
        var acc = ConvImport(n, [x, w, Opt(xs, 8)], ctx)[0]!;
        var ws = In(n, xs, 4);
        Tensor scale = Ops.Reshape(In(n, xs, 1), []);
        if (ws.Numel == 1) scale = Ops.Mul(scale, Ops.Reshape(ws, []));
        else
        {
            var shape = new int[acc.Rank];
            Array.Fill(shape, 1);
            shape[1] = ws.Numel;
            scale = Ops.Mul(Ops.Reshape(ws, shape), scale);
        }
        return One(Requantize(n, acc, scale, In(n, xs, 6), Opt(xs, 7), 7));
    }
}
