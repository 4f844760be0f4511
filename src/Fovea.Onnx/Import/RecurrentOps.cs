namespace Fovea.Onnx;

// RNN, GRU and LSTM (forward, reverse, bidirectional; layout 0 or 1; optional sequence_lens), unrolled over time
// with MatMul and the gate activations, so gradients flow through time to the weights.
public static partial class OnnxOperators
{
    sealed record RecurrentArgs(int Hidden, int Directions, bool Reverse0, string[] Acts, float[] Alpha, float[] Beta, float? Clip, bool Layout1);

    static RecurrentArgs RecurrentSetup(OnnxNode n, string[] defaults)
    {
        string dir = n.String("direction", "forward");
        int nd = dir == "bidirectional" ? 2 : 1;
        if (dir is not ("forward" or "reverse" or "bidirectional")) throw n.Error($"direction '{dir}' is not forward, reverse or bidirectional");
        var acts = new string[defaults.Length * nd];
        var given = n.Has("activations") ? StringsAttr(n, "activations") : null;
        for (int i = 0; i < acts.Length; i++) acts[i] = given is not null && i < given.Length ? given[i] : defaults[i % defaults.Length];
        var alpha = n.Floats("activation_alpha") ?? [];
        var beta = n.Floats("activation_beta") ?? [];
        float? clip = n.Has("clip") ? n.Float("clip", 0) : null;
        return new(n.Int32("hidden_size", 0), nd, dir == "reverse", acts, alpha, beta, clip, n.Int("layout", 0) != 0);
    }

    static string[] StringsAttr(OnnxNode n, string name)
    {
        var a = n.Proto.Attribute.First(x => x.Name == name);
        return a.Strings.Select(s => s.ToStringUtf8()).ToArray();
    }

    static void RecurrentCheck(OnnxNode n)
    {
        if (n.Has("activations"))
            foreach (var a in StringsAttr(n, "activations"))
                if (a is not ("Sigmoid" or "Tanh" or "Relu" or "LeakyRelu" or "HardSigmoid" or "Affine" or "ThresholdedRelu" or "ScaledTanh" or "Elu" or "Softsign" or "Softplus"))
                    throw new OnnxUnsupportedException($"{n}: activation '{a}' is not supported.");
        if (n.OpType == "LSTM" && n.Int("input_forget", 0) != 0) throw new OnnxUnsupportedException($"{n}: input_forget is not supported.");
    }

    static Tensor Act(RecurrentArgs a, int index, Tensor x)
    {
        if (a.Clip is float c) x = Ops.Clamp(x, -c, c);
        float al = index < a.Alpha.Length ? a.Alpha[index] : float.NaN, be = index < a.Beta.Length ? a.Beta[index] : float.NaN;
        return a.Acts[index] switch
        {
            "Sigmoid" => Ops.Sigmoid(x),
            "Tanh" => Ops.Tanh(x),
            "Relu" => Ops.Relu(x),
            "LeakyRelu" => Ops.LeakyRelu(x, float.IsNaN(al) ? 0.01f : al),
            "HardSigmoid" => Ops.Clamp(Ops.Add(Ops.Mul(x, float.IsNaN(al) ? 0.2f : al), float.IsNaN(be) ? 0.5f : be), 0f, 1f),
            "Affine" => Ops.Add(Ops.Mul(x, float.IsNaN(al) ? 1f : al), float.IsNaN(be) ? 0f : be),
            "ThresholdedRelu" => Ops.Mul(x, Ops.Gt(x, float.IsNaN(al) ? 1f : al)),
            "ScaledTanh" => Ops.Mul(Ops.Tanh(Ops.Mul(x, float.IsNaN(be) ? 1f : be)), float.IsNaN(al) ? 1f : al),
            "Elu" => Ops.Elu(x, float.IsNaN(al) ? 1f : al),
            "Softsign" => Ops.Div(x, Ops.Add(Ops.Abs(x), 1f)),
            _ => Ops.Softplus(x, 1f, float.PositiveInfinity),
        };
    }

    static Tensor Row(Tensor t, int d) => Ops.Reshape(Ops.Narrow(t, 0, d, 1), Dims(t)[1..]);

    static Tensor Gate(Tensor g, int k, int h) => Ops.Narrow(g, g.Rank - 1, k * h, h);

    // The shared time loop: step(d, xw_t, h, c) returns the new (h, c). Handles directions, sequence lengths and layout.
    static Tensor?[] RunRecurrent(OnnxNode n, Tensor?[] xs, RecurrentArgs a, int gates, bool lstm,
        Func<int, Tensor, Tensor, Tensor?, (Tensor H, Tensor? C)> step)
    {
        var x = In(n, xs, 0);
        if (a.Layout1) x = Ops.Transpose(x, 0, 1);
        var w = In(n, xs, 1);
        var (seq, batch, _) = x.Shape.Dims3(n.ToString());
        int h = a.Hidden > 0 ? a.Hidden : w.Shape[1] / gates;
        var lens = Opt(xs, 4) is { } sl ? IntValues(sl) : null;
        if (lens is not null && lens.All(l => l == seq)) lens = null;
        var h0 = Opt(xs, 5);
        var c0 = lstm ? Opt(xs, 6) : null;
        if (a.Layout1) { if (h0 is not null) h0 = Ops.Transpose(h0, 0, 1); if (c0 is not null) c0 = Ops.Transpose(c0, 0, 1); }
        var ys = new Tensor[a.Directions];
        var hs = new Tensor[a.Directions];
        var cs = new Tensor[a.Directions];
        for (int d = 0; d < a.Directions; d++)
        {
            bool reverse = d == 1 || a.Reverse0;
            var wd = Row(w, d);
            var xw = Ops.MatMul(x, Ops.Transpose(wd, 0, 1));   // [seq, batch, gates*h]
            if (Opt(xs, 3) is { } b)
            {
                var bd = Row(b, d);
                xw = Ops.Add(xw, Ops.Add(Ops.Narrow(bd, 0, 0, gates * h), Ops.Narrow(bd, 0, gates * h, gates * h)));
            }
            var hPrev = h0 is not null ? Row(h0, d) : Tensor.Zeros(batch, h);
            Tensor? cPrev = lstm ? (c0 is not null ? Row(c0, d) : Tensor.Zeros(batch, h)) : null;
            var outs = new Tensor[seq];
            for (int s = 0; s < seq; s++)
            {
                int t = reverse ? seq - 1 - s : s;
                Tensor? mask = null;
                int tt = t;
                if (lens is not null)
                {
                    if (reverse) throw new OnnxUnsupportedException($"{n}: reverse directions with unequal sequence_lens are not supported.");
                    mask = Tensor.FromArray(lens.Select(l => tt < l ? 1f : 0f).ToArray(), batch, 1);
                }
                var (hNew, cNew) = step(d, Row(xw, t), hPrev, cPrev);
                if (mask is not null)
                {
                    outs[t] = Ops.Mul(hNew, mask);
                    hNew = Ops.Add(Ops.Mul(hNew, mask), Ops.Mul(hPrev, Ops.Sub(1f, mask)));
                    if (cNew is not null) cNew = Ops.Add(Ops.Mul(cNew, mask), Ops.Mul(cPrev!, Ops.Sub(1f, mask)));
                }
                else outs[t] = hNew;
                hPrev = hNew;
                cPrev = cNew;
            }
            ys[d] = seq == 0 ? Tensor.Zeros(0, batch, h) : Ops.Stack(outs, 0);
            hs[d] = hPrev;
            cs[d] = cPrev ?? hPrev;
        }
        var y = Ops.Stack(ys, 1);       // [seq, dirs, batch, h]
        var yh = Ops.Stack(hs, 0);      // [dirs, batch, h]
        var yc = Ops.Stack(cs, 0);
        if (a.Layout1)
        {
            y = Ops.Permute(y, 2, 0, 1, 3).Contiguous();
            yh = Ops.Transpose(yh, 0, 1).Contiguous();
            yc = Ops.Transpose(yc, 0, 1).Contiguous();
        }
        return lstm ? [y, yh, yc] : [y, yh];
    }

    static Tensor?[] RnnImport(OnnxNode n, Tensor?[] xs, OnnxContext ctx)
    {
        var a = RecurrentSetup(n, ["Tanh"]);
        var r = In(n, xs, 2);
        return RunRecurrent(n, xs, a, 1, false, (d, xw, h, _) =>
            (Act(a, d, Ops.Add(xw, Ops.MatMul(h, Ops.Transpose(Row(r, d), 0, 1)))), null));
    }

    static Tensor?[] GruImport(OnnxNode n, Tensor?[] xs, OnnxContext ctx)
    {
        var a = RecurrentSetup(n, ["Sigmoid", "Tanh"]);
        var r = In(n, xs, 2);
        var b = Opt(xs, 3);
        bool linearBeforeReset = n.Int("linear_before_reset", 0) != 0;
        int hid = a.Hidden > 0 ? a.Hidden : r.Shape[2];
        return RunRecurrent(n, xs, a, 3, false, (d, xw, h, _) =>
        {
            var rd = Row(r, d);
            var rt = Ops.Transpose(rd, 0, 1);                      // [h, 3h]
            var hr = Ops.MatMul(h, Ops.Narrow(rt, 1, 0, 2 * hid));  // z and r parts
            // xw holds Wb + Rb for every gate; for h̃ the recurrent bias Rbh must go inside the reset product when
            // linear_before_reset, so it is taken back out of xw there.
            var z = Act(a, 2 * d, Ops.Add(Gate(xw, 0, hid), Gate(hr, 0, hid)));
            var rg = Act(a, 2 * d, Ops.Add(Gate(xw, 1, hid), Gate(hr, 1, hid)));
            var rh = Ops.Narrow(rt, 1, 2 * hid, hid);
            Tensor pre;
            if (linearBeforeReset)
            {
                var rbh = b is not null ? Ops.Narrow(Row(b, d), 0, 5 * hid, hid) : null;
                var inner = Ops.MatMul(h, rh);
                if (rbh is not null) inner = Ops.Add(inner, rbh);
                var xh = Gate(xw, 2, hid);
                if (rbh is not null) xh = Ops.Sub(xh, rbh);
                pre = Ops.Add(xh, Ops.Mul(rg, inner));
            }
            else pre = Ops.Add(Gate(xw, 2, hid), Ops.MatMul(Ops.Mul(rg, h), rh));
            var ht = Act(a, 2 * d + 1, pre);
            return (Ops.Add(Ops.Mul(Ops.Sub(1f, z), ht), Ops.Mul(z, h)), null);
        });
    }

    static Tensor?[] LstmImport(OnnxNode n, Tensor?[] xs, OnnxContext ctx)
    {
        var a = RecurrentSetup(n, ["Sigmoid", "Tanh", "Tanh"]);
        var r = In(n, xs, 2);
        var p = Opt(xs, 7);
        int hid = a.Hidden > 0 ? a.Hidden : r.Shape[2];
        return RunRecurrent(n, xs, a, 4, true, (d, xw, h, c) =>
        {
            var g = Ops.Add(xw, Ops.MatMul(h, Ops.Transpose(Row(r, d), 0, 1)));   // [batch, 4h]: i, o, f, c
            var pd = p is not null ? Row(p, d) : null;
            var iPre = Gate(g, 0, hid);
            var fPre = Gate(g, 2, hid);
            if (pd is not null)
            {
                iPre = Ops.Add(iPre, Ops.Mul(Ops.Narrow(pd, 0, 0, hid), c!));
                fPre = Ops.Add(fPre, Ops.Mul(Ops.Narrow(pd, 0, 2 * hid, hid), c!));
            }
            var i = Act(a, 3 * d, iPre);
            var f = Act(a, 3 * d, fPre);
            var cand = Act(a, 3 * d + 1, Gate(g, 3, hid));
            var cNew = Ops.Add(Ops.Mul(f, c!), Ops.Mul(i, cand));
            var oPre = Gate(g, 1, hid);
            if (pd is not null) oPre = Ops.Add(oPre, Ops.Mul(Ops.Narrow(pd, 0, hid, hid), cNew));
            var o = Act(a, 3 * d, oPre);
            return (Ops.Mul(o, Act(a, 3 * d + 2, cNew)), cNew);
        });
    }
}
