namespace Fovea.Optim;

/// <summary>
/// RMSprop with optional momentum, centering and L2 weight decay, exactly as <c>torch.optim.RMSprop</c> (1.13).
/// State: "step", "square_avg", "momentum_buffer" (momentum &gt; 0), "grad_avg" (centered).
/// </summary>
public sealed class RMSprop : Optimizer
{
    public RMSprop(IEnumerable<Tensor> parameters, float lr = 1e-2f, float alpha = 0.99f, float eps = 1e-8f, float weightDecay = 0,
        float momentum = 0, bool centered = false)
        : this([new ParamGroup(parameters)], lr, alpha, eps, weightDecay, momentum, centered) { }

    public RMSprop(IEnumerable<ParamGroup> groups, float lr = 1e-2f, float alpha = 0.99f, float eps = 1e-8f, float weightDecay = 0,
        float momentum = 0, bool centered = false)
        : base("RMSprop", groups, [("lr", lr), ("weight_decay", weightDecay), ("alpha", alpha), ("eps", eps), ("momentum", momentum),
            ("centered", centered ? 1 : 0)]) { }

    private protected override void ValidateGroup(ParamGroup g)
    {
        CheckAtLeast(Name, "learning rate", g.LearningRate);
        CheckAtLeast(Name, "epsilon", g["eps"]);
        CheckAtLeast(Name, "momentum", g["momentum"]);
        CheckAtLeast(Name, "alpha", g["alpha"]);
        CheckAtLeast(Name, "weight decay", g.WeightDecay);
    }

    private protected override IReadOnlyList<string> BufferNames { get; } = ["square_avg", "momentum_buffer", "grad_avg"];

    private protected override void Update(ParamGroup group, ParamState state, Span<float> param, ReadOnlySpan<float> grad)
    {
        int n = param.Length;
        state.Step++;
        var sq = state.Buffer("square_avg", n);
        float momentum = group["momentum"];
        var buf = momentum > 0 ? state.Buffer("momentum_buffer", n) : default(Span<float>);
        var gAvg = group["centered"] != 0 ? state.Buffer("grad_avg", n) : default(Span<float>);
        UpdateKernels.RmsProp(param, grad, sq, gAvg, buf, group.LearningRate, group["alpha"], group["eps"], group.WeightDecay, momentum);
    }
}
