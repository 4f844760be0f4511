using Fovea.Kernels;

namespace Fovea;

public static partial class Ops
{
    /// <summary>x·tanh(softplus(x)). d/dx = t + x(1 − t²)σ(x) with t = tanh(softplus(x)).</summary>
    public static Tensor Mish(Tensor x) => Activation(x, new MishFn(), new MishGradFn(), "Mish");
}

public partial class Tensor
{
    public Tensor Mish() => Ops.Mish(this);
}
