namespace Fovea.NN;

/// <summary>1/(1+e^−x) elementwise.</summary>
public class Sigmoid : Module
{
    public override Tensor Forward(Tensor input) => Ops.Sigmoid(input);
}
