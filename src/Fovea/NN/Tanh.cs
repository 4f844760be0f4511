namespace Fovea.NN;

/// <summary>tanh(x) elementwise.</summary>
public class Tanh : Module
{
    public override Tensor Forward(Tensor input) => Ops.Tanh(input);
}
