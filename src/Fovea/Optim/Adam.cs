namespace Fovea.Optim;

/// <summary>
/// Adam with optional L2 weight decay (added to the gradient) and AMSGrad, exactly as <c>torch.optim.Adam</c> (1.13).
/// State: "step", "exp_avg", "exp_avg_sq", and "max_exp_avg_sq" with AMSGrad.
/// </summary>
public class Adam : Optimizer
{
    public Adam(IEnumerable<Tensor> parameters, float lr = 1e-3f, (float Beta1, float Beta2)? betas = null, float eps = 1e-8f,
        float weightDecay = 0, bool amsgrad = false)
        : this([new ParamGroup(parameters)], lr, betas, eps, weightDecay, amsgrad) { }

    public Adam(IEnumerable<ParamGroup> groups, float lr = 1e-3f, (float Beta1, float Beta2)? betas = null, float eps = 1e-8f,
        float weightDecay = 0, bool amsgrad = false)
        : this("Adam", groups, lr, betas, eps, weightDecay, amsgrad) { }

    private protected Adam(string name, IEnumerable<ParamGroup> groups, float lr, (float Beta1, float Beta2)? betas, float eps,
        float weightDecay, bool amsgrad)
        : base(name, groups, [("lr", lr), ("weight_decay", weightDecay), ("beta1", (betas ?? (0.9f, 0.999f)).Beta1),
            ("beta2", (betas ?? (0.9f, 0.999f)).Beta2), ("eps", eps), ("amsgrad", amsgrad ? 1 : 0)]) { }

    /// <summary>True for AdamW: weight decay shrinks the parameter directly instead of entering the gradient.</summary>
    private protected virtual bool Decoupled => false;

    private protected override void ValidateGroup(ParamGroup g)
    {
        CheckAtLeast(Name, "learning rate", g.LearningRate);
        CheckAtLeast(Name, "epsilon", g["eps"]);
        CheckAtLeast(Name, "weight decay", g.WeightDecay);
        foreach (var b in new[] { "beta1", "beta2" })
            if (!(g[b] >= 0 && g[b] < 1)) throw new ArgumentException($"{Name}: invalid {b} {g[b]} (expected a value in [0, 1)).");
    }

    private protected override IReadOnlyList<string> BufferNames { get; } = ["exp_avg", "exp_avg_sq", "max_exp_avg_sq"];

    private protected override void Update(ParamGroup group, ParamState state, Span<float> param, ReadOnlySpan<float> grad)
    {
        int n = param.Length;
        var m = state.Buffer("exp_avg", n);
        var v = state.Buffer("exp_avg_sq", n);
        var vmax = group["amsgrad"] != 0 ? state.Buffer("max_exp_avg_sq", n) : default(Span<float>);
        long step = ++state.Step;
        float lr = group.LearningRate, beta1 = group["beta1"], beta2 = group["beta2"], wd = group.WeightDecay;
        // The bias corrections are Python floats (double) in PyTorch.
        double bc1 = 1 - Math.Pow(beta1, step), bc2 = 1 - Math.Pow(beta2, step);
        UpdateKernels.Adam(param, grad, m, v, vmax, beta1, beta2, group["eps"], wd, Decoupled, (float)(1 - (double)lr * wd),
            (float)(lr / bc1), (float)Math.Sqrt(bc2));
    }
}
