namespace Fovea.NN;

/// <summary>max(x, 0) elementwise.</summary>
public class ReLU : Module
{
    public override Tensor Forward(Tensor input) => Ops.Relu(input);
}
