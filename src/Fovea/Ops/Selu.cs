using Fovea.Kernels;

namespace Fovea;

public static partial class Ops
{
    const float SeluAlpha = 1.6732632423543772f, SeluScale = 1.0507009873554805f;

    /// <summary>scale·Elu(x, alpha) with scale = 1.0507009873554805, alpha = 1.6732632423543772 (self-normalising).</summary>
    public static Tensor Selu(Tensor x) => Activation(x, new EluFn(SeluAlpha, SeluScale), new EluGradFn(SeluAlpha, SeluScale), "Selu");
}

public partial class Tensor
{
    public Tensor Selu() => Ops.Selu(this);
}
