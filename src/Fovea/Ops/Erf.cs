using Fovea.Kernels;

namespace Fovea;

public static partial class Ops
{
    /// <summary>The error function. d/dx = 2/√π · e^(−x²).</summary>
    public static Tensor Erf(Tensor x) => Activation(x, new ErfFn(), new ErfGradFn(), "Erf");
}

public partial class Tensor
{
    public Tensor Erf() => Ops.Erf(this);
}
