using Fovea.Kernels;

namespace Fovea;

public static partial class Ops
{
    /// <summary>x for x &gt; 0, negativeSlope·x otherwise. d/dx = 1 or negativeSlope.</summary>
    public static Tensor LeakyRelu(Tensor x, float negativeSlope = 0.01f) => Activation(x, new LeakyReluFn(negativeSlope), new LeakyReluGradFn(negativeSlope), "LeakyRelu");
}

public partial class Tensor
{
    public Tensor LeakyRelu(float negativeSlope = 0.01f) => Ops.LeakyRelu(this, negativeSlope);
}
