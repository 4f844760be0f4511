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
