namespace Fovea.NN;

/// <summary>x·sigmoid(x) elementwise (swish).</summary>
public class SiLU : Module
{
    public override Tensor Forward(Tensor input) => Ops.Silu(input);
}
