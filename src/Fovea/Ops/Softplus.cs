using Fovea.Kernels;

namespace Fovea;

public static partial class Ops
{
    /// <summary>ln(1 + e^(βx))/β, linear (x) where βx &gt; threshold, as in PyTorch. d/dx = σ(βx).</summary>
    public static Tensor Softplus(Tensor x, float beta = 1f, float threshold = 20f) => beta == 0 ? throw new ArgumentException("Softplus: beta must be non-zero.") : Activation(x, new SoftplusFn(beta, threshold), new SoftplusGradFn(beta, threshold), "Softplus");
}

public partial class Tensor
{
    public Tensor Softplus(float beta = 1f, float threshold = 20f) => Ops.Softplus(this, beta, threshold);
}
