using Fovea.Kernels;

namespace Fovea;

public static partial class Ops
{
    /// <summary>
    /// GELU as in PyTorch: approximate "none" is x·Φ(x) = ½x·(1 + erf(x/√2)) (d/dx = Φ(x) + x·φ(x)); "tanh" is
    /// ½x·(1 + tanh(√(2/π)(x + 0.044715x³))).
    /// </summary>
    public static Tensor Gelu(Tensor x, string approximate = "none") => approximate switch
    {
        "none" => Activation(x, new GeluErfFn(), new GeluErfGradFn(), "Gelu"),
        "tanh" => Activation(x, new GeluTanhFn(), new GeluTanhGradFn(), "Gelu"),
        _ => throw new ArgumentException($"Gelu: approximate must be \"none\" or \"tanh\", got \"{approximate}\"."),
    };
}

public partial class Tensor
{
    public Tensor Gelu(string approximate = "none") => Ops.Gelu(this, approximate);
}
