using Fovea.Kernels;

namespace Fovea;

public static partial class Ops
{
    /// <summary>relu6(x + 3)/6. d/dx = 1/6 on (−3, 3), else 0.</summary>
    public static Tensor Hardsigmoid(Tensor x) => Activation(x, new HardsigmoidFn(), new HardsigmoidGradFn(), "Hardsigmoid");
}

public partial class Tensor
{
    public Tensor Hardsigmoid() => Ops.Hardsigmoid(this);
}
