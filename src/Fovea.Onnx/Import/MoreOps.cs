namespace Fovea.Onnx;

public static partial class OnnxOperators
{
    // GatherElements is torch.gather (negative indices count from the end).
    static Tensor?[] GatherElementsImport(OnnxNode n, Tensor?[] xs, OnnxContext ctx)
    {
        var x = In(n, xs, 0);
        var idx = In(n, xs, 1);
        int axis = Axis(n, n.Int("axis", 0), x.Rank);
        var fixedIdx = Ops.Add(idx, Ops.Mul(Ops.Lt(idx, 0f), (float)x.Shape[axis]));
        return One(Ops.Gather(x, axis, fixedIdx));
    }

    static Tensor?[] RangeImport(OnnxNode n, Tensor?[] xs, OnnxContext ctx)
    {
        float start = In(n, xs, 0).Contiguous().ToArray()[0], limit = In(n, xs, 1).Contiguous().ToArray()[0], delta = In(n, xs, 2).Contiguous().ToArray()[0];
        if (delta == 0) throw n.Error("delta is 0");
        double count = Math.Max(Math.Ceiling((limit - (double)start) / delta), 0);
        if (count > OnnxTensors.MaxElements) throw new ShapeMismatchException($"{n}: {count} elements is too many.");
        var r = new float[(int)count];
        for (int i = 0; i < r.Length; i++) r[i] = start + i * delta;
        return One(Tensor.FromArray(r, r.Length));
    }

    static Tensor?[] CumSumImport(OnnxNode n, Tensor?[] xs, OnnxContext ctx)
    {
        var x = In(n, xs, 0);
        int axis = Axis(n, IntValues(In(n, xs, 1))[0], x.Rank);
        bool exclusive = n.Int("exclusive", 0) != 0, reverse = n.Int("reverse", 0) != 0;
        var t = reverse ? Ops.Flip(x, axis) : x;
        var c = Ops.CumSum(t, axis);
        if (exclusive) c = Ops.Sub(c, t);
        return One(reverse ? Ops.Flip(c, axis) : c);
    }

    static Tensor?[] OneHotImport(OnnxNode n, Tensor?[] xs, OnnxContext ctx)
    {
        var idx = In(n, xs, 0);
        int depth = (int)In(n, xs, 1).Contiguous().ToArray()[0];
        var vals = In(n, xs, 2).Contiguous().ToArray();
        var fixedIdx = Ops.Add(idx, Ops.Mul(Ops.Lt(idx, 0f), (float)depth));
        // out-of-range indices give an all-"off" row
        var valid = Ops.Mul(Ops.Ge(fixedIdx, 0f), Ops.Lt(fixedIdx, (float)depth));
        var safe = Ops.Mul(fixedIdx, valid);
        var hot = Ops.Mul(Ops.OneHot(Ops.Floor(safe), depth), Ops.Unsqueeze(valid, idx.Rank));
        var y = Ops.Add(Ops.Mul(hot, vals[1] - vals[0]), vals[0]);
        int axis = (int)n.Int("axis", -1);
        int rank = idx.Rank + 1;
        if (axis < 0) axis += rank;
        if (axis != rank - 1)
        {
            var perm = new List<int>();
            for (int i = 0; i < rank - 1; i++) perm.Add(i);
            perm.Insert(axis, rank - 1);
            y = Ops.Permute(y, [.. perm]);
        }
        return One(y);
    }

    // Trilu: keeps the upper (or lower) triangle of the last two axes relative to diagonal k.
    static Tensor?[] TriluImport(OnnxNode n, Tensor?[] xs, OnnxContext ctx)
    {
        var x = In(n, xs, 0);
        int k = Opt(xs, 1) is { } kt ? IntValues(kt)[0] : 0;
        bool upper = n.Int("upper", 1) != 0;
        int r = x.Shape[x.Rank - 2], c = x.Shape[x.Rank - 1];
        var mask = new float[r * c];
        for (int i = 0; i < r; i++)
            for (int j = 0; j < c; j++)
                mask[i * c + j] = (upper ? j - i >= k : j - i <= k) ? 1f : 0f;
        return One(Ops.Mul(x, Tensor.FromArray(mask, r, c)));
    }

    static Tensor?[] HardmaxImport(OnnxNode n, Tensor?[] xs, OnnxContext ctx)
    {
        var x = In(n, xs, 0);
        if (n.Opset < 13)
        {
            int axis = Axis(n, n.Int("axis", 1), x.Rank);
            int outer = 1, inner = 1;
            for (int i = 0; i < x.Rank; i++) if (i < axis) outer *= x.Shape[i]; else inner *= x.Shape[i];
            var flat = Ops.Reshape(x, outer, inner);
            return One(Ops.Reshape(Ops.OneHot(Ops.ArgMax(flat, 1), inner), Dims(x)));
        }
        int a = Axis(n, n.Int("axis", -1), x.Rank);
        var moved = Ops.Transpose(x, a, x.Rank - 1);
        var hot = Ops.OneHot(Ops.ArgMax(moved, x.Rank - 1), x.Shape[a]);
        return One(Ops.Transpose(hot, a, x.Rank - 1).Contiguous());
    }

    // Mod: fmod=1 takes the dividend's sign (C fmod), fmod=0 the divisor's (Python %).
    static Tensor?[] ModImport(OnnxNode n, Tensor?[] xs, OnnxContext ctx)
    {
        var a = In(n, xs, 0);
        var b = In(n, xs, 1);
        var q = Ops.Div(a, b);
        var t = n.Int("fmod", 0) != 0 ? Ops.Mul(Ops.Sign(q), Ops.Floor(Ops.Abs(q))) : Ops.Floor(q);
        return One(Ops.Sub(a, Ops.Mul(t, b)));
    }

    static Tensor?[] EyeLikeImport(OnnxNode n, Tensor?[] xs, OnnxContext ctx)
    {
        var x = In(n, xs, 0);
        var (r, c) = x.Shape.Dims2(n.ToString());
        int k = n.Int32("k", 0);
        var d = new float[r * c];
        for (int i = 0; i < r; i++) if (i + k >= 0 && i + k < c) d[i * c + i + k] = 1f;
        return One(Tensor.FromArray(d, r, c));
    }

    static Tensor?[] ShrinkImport(OnnxNode n, Tensor?[] xs, OnnxContext ctx)
    {
        var x = In(n, xs, 0);
        float bias = n.Float("bias", 0f), lambd = n.Float("lambd", 0.5f);
        var lo = Ops.Mul(Ops.Lt(x, -lambd), Ops.Add(x, bias));
        var hi = Ops.Mul(Ops.Gt(x, lambd), Ops.Sub(x, bias));
        return One(Ops.Add(lo, hi));
    }

    static Tensor?[] IsInfImport(OnnxNode n, Tensor?[] xs, OnnxContext ctx)
    {
        var x = In(n, xs, 0);
        bool pos = n.Int("detect_positive", 1) != 0, neg = n.Int("detect_negative", 1) != 0;
        var p = pos ? Ops.Eq(x, float.PositiveInfinity) : Tensor.Zeros(Dims(x));
        var m = neg ? Ops.Eq(x, float.NegativeInfinity) : Tensor.Zeros(Dims(x));
        return One(Ops.Maximum(p, m));
    }

    static Tensor?[] IsNaNImport(OnnxNode n, Tensor?[] xs, OnnxContext ctx)
    {
        var x = In(n, xs, 0);
        return One(Ops.Ne(x, x));
    }
}

public static partial class OnnxOperators
{
    // Det: determinant of the last two (square) axes by LU decomposition with partial pivoting, in double precision
    // (no gradient).
    static Tensor?[] DetImport(OnnxNode n, Tensor?[] xs, OnnxContext ctx)
    {
        var x = In(n, xs, 0);
        if (x.Rank < 2 || x.Shape[^1] != x.Shape[^2]) throw new ShapeMismatchException($"{n}: expected [..., M, M], got {x.Shape}.");
        int m = x.Shape[^1];
        var v = x.Contiguous().ToArray();
        int count = m == 0 ? 0 : v.Length / (m * m);
        var r = new float[count];
        var a = new double[m * m];
        for (int b = 0; b < count; b++)
        {
            for (int i = 0; i < m * m; i++) a[i] = v[b * m * m + i];
            double det = 1;
            for (int col = 0; col < m && det != 0; col++)
            {
                int piv = col;
                for (int row = col + 1; row < m; row++) if (Math.Abs(a[row * m + col]) > Math.Abs(a[piv * m + col])) piv = row;
                if (a[piv * m + col] == 0) { det = 0; break; }
                if (piv != col)
                {
                    for (int k = 0; k < m; k++) (a[col * m + k], a[piv * m + k]) = (a[piv * m + k], a[col * m + k]);
                    det = -det;
                }
                det *= a[col * m + col];
                for (int row = col + 1; row < m; row++)
                {
                    double f = a[row * m + col] / a[col * m + col];
                    for (int k = col; k < m; k++) a[row * m + k] -= f * a[col * m + k];
                }
            }
            r[b] = (float)det;
        }
        return One(OnnxTensors.Make(r, Dims(x)[..^2]));
    }
}
