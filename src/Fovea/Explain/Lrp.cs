using Fovea.NN;
using Fovea.Robust;
using Fovea.Vision.Models;

namespace Fovea.Explain;

/// <summary>
/// Layer-wise relevance propagation (Bach et al. 2015; Montavon et al. 2019). The target logit is the relevance at
/// the output; it flows back layer by layer to the input [N,C,H,W]. Supported: <see cref="Sequential"/> (and the
/// zoo's <see cref="ResNet"/>) of Conv2d (a following BatchNorm2d is folded into it), Linear, MaxPool2d, AvgPool2d,
/// AdaptiveAvgPool2d, Flatten, ReLU, Dropout (identity in evaluation), Identity, the zoo's <see cref="BasicBlock"/>
/// (relevance at the residual addition split in proportion to the two summands) and <see cref="NormalizedModel"/>.
/// Pooling layers always use the ε-rule; <see cref="LrpRule"/> chooses the rule of the weighted layers. With the
/// ε-rule and no biases, relevance is conserved: each sample's input relevances sum to its target logit.
/// An unsupported layer throws, naming it.
/// </summary>
public static class Lrp
{
    /// <summary>The relevance of every input element for the target classes (default: the predictions).</summary>
    public static Tensor Compute(Module model, Tensor x, Tensor? target = null, LrpRule rule = LrpRule.Epsilon, float epsilon = 1e-4f)
    {
        GradientUtil.CheckImages(x, "Lrp");
        if (!(epsilon >= 0)) throw new ArgumentException($"Lrp: epsilon must be non-negative, got {epsilon}.");
        if (model.IsTraining) throw new ArgumentException("Lrp: the model is in training mode; call model.Eval() first (BatchNorm folding uses the running statistics).");
        var nodes = Compile(model);
        var t = GradientUtil.Targets(model, x, target, "Lrp");
        Tensor a = x.Detach();
        using (Autograd.NoGrad())
            foreach (var node in nodes) a = node.Forward(a);
        if (a.Rank != 2) throw new ShapeMismatchException($"Lrp: the model's output must be logits [N, classes], got {a.Shape}.");
        Tensor r;
        using (Autograd.NoGrad()) r = a * t.OneHot(a.Shape[1]);
        var ctx = new Ctx(rule, epsilon);
        for (int i = nodes.Count - 1; i >= 0; i--) r = nodes[i].Relevance(r, ctx);
        return r;
    }

    /// <summary>Checks that every layer of <paramref name="model"/> is supported; throws naming the first one that is not.</summary>
    public static void CheckSupported(Module model) => Compile(model);

    sealed record Ctx(LrpRule Rule, float Epsilon);

    // ---- compiling the module tree into a chain of relevance nodes ----

    static List<Node> Compile(Module model)
    {
        var leaves = new List<(string Name, Module Module)>();
        Flatten(model, "", leaves);
        var nodes = new List<Node>();
        for (int i = 0; i < leaves.Count; i++)
        {
            var (name, m) = leaves[i];
            if (m is Conv2d conv && i + 1 < leaves.Count && leaves[i + 1].Module is BatchNorm2d bn)
            {
                nodes.Add(ConvNode(conv, bn, name));
                i++;
            }
            else nodes.Add(Leaf(name, m));
        }
        return nodes;
    }

    static void Flatten(Module m, string name, List<(string, Module)> acc)
    {
        if (m is Sequential or ResNet)
            foreach (var (n, c) in m.NamedChildren()) Flatten(c, name.Length == 0 ? n : name + "." + n, acc);
        else acc.Add((name, m));
    }

    static Node Leaf(string name, Module m) => m switch
    {
        Conv2d c => ConvNode(c, null, name),
        Linear l => new WeightedNode((a, w, b) => Functional.Linear(a, w, b), l.Weight.Detach(), l.Bias?.Detach()),
        MaxPool2d or AvgPool2d or AdaptiveAvgPool2d => new PoolNode(m),
        ReLU or Dropout or Identity => new PassNode(m),
        NN.Flatten => new ReshapeNode(m),
        NormalizedModel nm => new NormalizeNode(nm, Compile(nm.Model)),
        BasicBlock block => BlockNode(block, name),
        BatchNorm2d => throw new ArgumentException($"Lrp: BatchNorm2d layer '{name}' does not follow a Conv2d, so it cannot be folded into one; LRP does not support it."),
        _ => throw new ArgumentException($"Lrp: unsupported layer '{(name.Length == 0 ? "(model)" : name)}' ({m.TypeName}). Supported: Sequential, ResNet, BasicBlock, Conv2d (+BatchNorm2d), Linear, MaxPool2d, AvgPool2d, AdaptiveAvgPool2d, Flatten, ReLU, Dropout, Identity."),
    };

    static Node BlockNode(BasicBlock block, string name)
    {
        var main = new List<Node>
        {
            ConvNode((Conv2d)block.GetSubmodule("conv1"), (BatchNorm2d)block.GetSubmodule("bn1"), name + ".conv1"),
            new PassNode(new ReLU()),
            ConvNode((Conv2d)block.GetSubmodule("conv2"), (BatchNorm2d)block.GetSubmodule("bn2"), name + ".conv2"),
        };
        List<Node>? shortcut = null;
        if (block.NamedChildren().Any(c => c.Name == "shortcut"))
            shortcut = [ConvNode((Conv2d)block.GetSubmodule("shortcut.0"), (BatchNorm2d)block.GetSubmodule("shortcut.1"), name + ".shortcut")];
        return new ResidualNode(main, shortcut);
    }

    /// <summary>A Conv2d with an optional BatchNorm2d folded in: w' = w·γ/σ, b' = (b − μ)·γ/σ + β.</summary>
    static Node ConvNode(Conv2d c, BatchNorm2d? bn, string name)
    {
        if (c.Transposed || c.PaddingMode is not (null or "zeros"))
            throw new ArgumentException($"Lrp: unsupported layer '{name}' ({c.TypeName} with {(c.Transposed ? "transposition" : "padding mode " + c.PaddingMode)}).");
        var w = c.Weight.Detach();
        var b = c.Bias?.Detach();
        if (bn is not null)
        {
            if (bn.RunningMean is null || bn.RunningVar is null)
                throw new ArgumentException($"Lrp: BatchNorm2d after '{name}' has no running statistics to fold.");
            int o = c.OutChannels;
            var mean = bn.RunningMean.ToArray();
            var var_ = bn.RunningVar.ToArray();
            var gamma = bn.Weight?.ToArray();
            var beta = bn.Bias?.ToArray();
            var scale = new float[o];
            var bias = new float[o];
            var b0 = b?.ToArray();
            for (int k = 0; k < o; k++)
            {
                scale[k] = (gamma?[k] ?? 1f) / MathF.Sqrt(var_[k] + bn.Eps);
                bias[k] = ((b0?[k] ?? 0f) - mean[k]) * scale[k] + (beta?[k] ?? 0f);
            }
            using (Autograd.NoGrad()) w = w * Tensor.FromArray(scale, o, 1, 1, 1);
            b = Tensor.FromArray(bias, o);
        }
        int[] stride = c.Stride, padding = c.Padding, dilation = c.Dilation;
        int groups = c.Groups;
        return new WeightedNode((a, ww, bb) => Ops.Conv(a, ww, bb, stride, padding, dilation, groups), w, b);
    }

    // ---- relevance nodes ----

    abstract class Node
    {
        public abstract Tensor Forward(Tensor a);
        public abstract Tensor Relevance(Tensor r, Ctx ctx);
    }

    /// <summary>z + ε·sign(z), sign(0) = +1: the stabilised denominator.</summary>
    static Tensor Stabilize(Tensor z, float eps) => z + (z.Ge(0f) * 2f - 1f) * eps;

    /// <summary>The ε-rule through any piecewise-linear f: R_in = a ⊙ ∇_a (f(a) · s) with s = R / (f(a) + ε sign).</summary>
    static Tensor GradientRule(Func<Tensor, Tensor> f, Tensor a, Tensor r, float eps)
    {
        var ai = a.Detach().Contiguous().Clone().RequiresGrad_();
        var z = f(ai);
        Tensor s;
        using (Autograd.NoGrad()) s = r / Stabilize(z.Detach(), eps);
        (z * s).Sum().Backward();
        using (Autograd.NoGrad()) return a * ai.Grad!;
    }

    sealed class WeightedNode(Func<Tensor, Tensor, Tensor?, Tensor> op, Tensor w, Tensor? b) : Node
    {
        Tensor? _a;
        public override Tensor Forward(Tensor a) { _a = a; return op(a, w, b); }

        public override Tensor Relevance(Tensor r, Ctx ctx)
        {
            var a = _a!;
            if (ctx.Rule == LrpRule.Epsilon) return GradientRule(x => op(x, w, b), a, r, ctx.Epsilon);
            float alpha = ctx.Rule == LrpRule.Alpha2Beta1 ? 2f : 1f, beta = alpha - 1f;
            Tensor ap, an, wp, wn;
            using (Autograd.NoGrad()) { ap = a.Clamp(0f, null); an = a.Clamp(null, 0f); wp = w.Clamp(0f, null); wn = w.Clamp(null, 0f); }
            var pos = Split(ap, an, wp, wn, r, +1, ctx.Epsilon);
            if (beta == 0) using (Autograd.NoGrad()) return pos * alpha;
            var neg = Split(ap, an, wn, wp, r, -1, ctx.Epsilon);
            using (Autograd.NoGrad()) return pos * alpha - neg * beta;
        }

        // Relevance through the contributions a⁺·w1 + a⁻·w2 (all of one sign), in proportion to them.
        Tensor Split(Tensor ap, Tensor an, Tensor w1, Tensor w2, Tensor r, int sign, float eps)
        {
            var api = ap.Clone().RequiresGrad_();
            var ani = an.Clone().RequiresGrad_();
            var z = op(api, w1, null) + op(ani, w2, null);
            Tensor s;
            using (Autograd.NoGrad()) s = r / (z.Detach() + sign * Math.Max(eps, 1e-9f));
            (z * s).Sum().Backward();
            using (Autograd.NoGrad()) return ap * api.Grad! + an * ani.Grad!;
        }
    }

    sealed class PoolNode(Module m) : Node
    {
        Tensor? _a;
        public override Tensor Forward(Tensor a) { _a = a; return m.Call(a); }
        public override Tensor Relevance(Tensor r, Ctx ctx) => GradientRule(m.Call, _a!, r, Math.Max(ctx.Epsilon, 1e-9f));
    }

    sealed class PassNode(Module m) : Node
    {
        public override Tensor Forward(Tensor a) => m.Call(a);
        public override Tensor Relevance(Tensor r, Ctx ctx) => r;
    }

    sealed class ReshapeNode(Module m) : Node
    {
        int[] _shape = [];
        public override Tensor Forward(Tensor a) { _shape = a.Shape.ToArray(); return m.Call(a); }
        public override Tensor Relevance(Tensor r, Ctx ctx) => r.Reshape(_shape);
    }

    sealed class NormalizeNode(NormalizedModel nm, List<Node> inner) : Node
    {
        public override Tensor Forward(Tensor a)
        {
            a = nm.Normalize(a);
            foreach (var n in inner) a = n.Forward(a);
            return a;
        }

        // Normalisation is element-wise: each element keeps its relevance.
        public override Tensor Relevance(Tensor r, Ctx ctx)
        {
            for (int i = inner.Count - 1; i >= 0; i--) r = inner[i].Relevance(r, ctx);
            return r;
        }
    }

    sealed class ResidualNode(List<Node> main, List<Node>? shortcut) : Node
    {
        Tensor? _m, _s;
        public override Tensor Forward(Tensor a)
        {
            var m = a;
            foreach (var n in main) m = n.Forward(m);
            var s = a;
            if (shortcut != null) foreach (var n in shortcut) s = n.Forward(s);
            _m = m; _s = s;
            return (m + s).Relu();
        }

        public override Tensor Relevance(Tensor r, Ctx ctx)
        {
            Tensor rm, rs;
            using (Autograd.NoGrad())
            {
                var den = Stabilize(_m! + _s!, Math.Max(ctx.Epsilon, 1e-9f));
                var q = r / den;
                rm = _m! * q;
                rs = _s! * q;
            }
            for (int i = main.Count - 1; i >= 0; i--) rm = main[i].Relevance(rm, ctx);
            if (shortcut != null) for (int i = shortcut.Count - 1; i >= 0; i--) rs = shortcut[i].Relevance(rs, ctx);
            using (Autograd.NoGrad()) return rm + rs;
        }
    }
}
