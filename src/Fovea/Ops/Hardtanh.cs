using Fovea.Kernels;

namespace Fovea;

public static partial class Ops
{
    /// <summary>x clipped to [min, max]. d/dx = 1 on (min, max), else 0 (PyTorch's hardtanh_backward).</summary>
    public static Tensor Hardtanh(Tensor x, float min = -1f, float max = 1f) => min > max ? throw new ArgumentException($"Hardtanh: min {min} is above max {max}.") : Activation(x, new HardtanhFn(min, max), new HardtanhGradFn(min, max), "Hardtanh");
}

public partial class Tensor
{
    public Tensor Hardtanh(float min = -1f, float max = 1f) => Ops.Hardtanh(this, min, max);
}
