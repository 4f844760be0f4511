namespace Fovea.Optim;

/// <summary>
/// Adam with decoupled weight decay (p ← p·(1 − lr·wd) before the Adam update), exactly as <c>torch.optim.AdamW</c> (1.13).
/// </summary>
public sealed class AdamW : Adam
{
    public AdamW(IEnumerable<Tensor> parameters, float lr = 1e-3f, (float Beta1, float Beta2)? betas = null, float eps = 1e-8f,
        float weightDecay = 1e-2f, bool amsgrad = false)
        : this([new ParamGroup(parameters)], lr, betas, eps, weightDecay, amsgrad) { }

    public AdamW(IEnumerable<ParamGroup> groups, float lr = 1e-3f, (float Beta1, float Beta2)? betas = null, float eps = 1e-8f,
        float weightDecay = 1e-2f, bool amsgrad = false)
        : base("AdamW", groups, lr, betas, eps, weightDecay, amsgrad) { }

    private protected override bool Decoupled => true;
}
