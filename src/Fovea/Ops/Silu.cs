using Fovea.Kernels;

namespace Fovea;

public static partial class Ops
{
    /// <summary>x·σ(x) (swish). d/dx = σ(x)(1 + x(1 − σ(x))).</summary>
    public static Tensor Silu(Tensor x) => Activation(x, new SiluFn(), new SiluGradFn(), "Silu");
}

public partial class Tensor
{
    public Tensor Silu() => Ops.Silu(this);
}
