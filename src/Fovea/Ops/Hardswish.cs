using Fovea.Kernels;

namespace Fovea;

public static partial class Ops
{
    /// <summary>x·relu6(x + 3)/6. d/dx = 0 below −3, x/3 + ½ on [−3, 3], 1 above.</summary>
    public static Tensor Hardswish(Tensor x) => Activation(x, new HardswishFn(), new HardswishGradFn(), "Hardswish");
}

public partial class Tensor
{
    public Tensor Hardswish() => Ops.Hardswish(this);
}
