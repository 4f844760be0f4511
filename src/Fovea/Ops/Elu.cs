using Fovea.Kernels;

namespace Fovea;

public static partial class Ops
{
    /// <summary>x for x &gt; 0, alpha·(eˣ − 1) otherwise. d/dx = 1 or alpha·eˣ.</summary>
    public static Tensor Elu(Tensor x, float alpha = 1f) => Activation(x, new EluFn(alpha, 1f), new EluGradFn(alpha, 1f), "Elu");
}

public partial class Tensor
{
    public Tensor Elu(float alpha = 1f) => Ops.Elu(this, alpha);
}
