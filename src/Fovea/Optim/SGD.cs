namespace Fovea.Optim;

/// <summary>
/// Stochastic gradient descent with optional momentum, dampening, Nesterov momentum and L2 weight decay, exactly
/// as <c>torch.optim.SGD</c> (1.13): the momentum buffer starts as the first gradient. State: "momentum_buffer".
/// </summary>
public sealed class SGD : Optimizer
{
    public SGD(IEnumerable<Tensor> parameters, float lr, float momentum = 0, float dampening = 0, float weightDecay = 0, bool nesterov = false)
        : this([new ParamGroup(parameters)], lr, momentum, dampening, weightDecay, nesterov) { }

    public SGD(IEnumerable<ParamGroup> groups, float lr, float momentum = 0, float dampening = 0, float weightDecay = 0, bool nesterov = false)
        : base("SGD", groups, [("lr", lr), ("weight_decay", weightDecay), ("momentum", momentum), ("dampening", dampening), ("nesterov", nesterov ? 1 : 0)]) { }

    private protected override void ValidateGroup(ParamGroup g)
    {
        CheckAtLeast(Name, "learning rate", g.LearningRate);
        CheckAtLeast(Name, "momentum", g["momentum"]);
        CheckAtLeast(Name, "weight decay", g.WeightDecay);
        if (g["nesterov"] != 0 && (g["momentum"] <= 0 || g["dampening"] != 0))
            throw new ArgumentException($"SGD: Nesterov momentum requires a momentum > 0 and zero dampening (got momentum {g["momentum"]}, dampening {g["dampening"]}).");
    }

    private protected override IReadOnlyList<string> BufferNames { get; } = ["momentum_buffer"];
    private protected override bool TracksStep => false;

    private protected override void Update(ParamGroup group, ParamState state, Span<float> param, ReadOnlySpan<float> grad)
    {
        float momentum = group["momentum"];
        bool first = false;
        Span<float> buf = default;
        if (momentum != 0)
        {
            first = state.Find("momentum_buffer") is null;
            buf = state.Buffer("momentum_buffer", param.Length);
        }
        UpdateKernels.Sgd(param, grad, buf, first, group.LearningRate, group.WeightDecay, momentum, group["dampening"], group["nesterov"] != 0);
    }
}
