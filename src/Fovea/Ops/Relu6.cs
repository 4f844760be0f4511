using Fovea.Kernels;

namespace Fovea;

public static partial class Ops
{
    /// <summary>min(max(x, 0), 6). d/dx = 1 on (0, 6), else 0.</summary>
    public static Tensor Relu6(Tensor x) => Activation(x, new HardtanhFn(0f, 6f), new HardtanhGradFn(0f, 6f), "Relu6");
}

public partial class Tensor
{
    public Tensor Relu6() => Ops.Relu6(this);
}
