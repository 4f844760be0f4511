namespace Fovea.NN;

/// <summary>min(max(x, 0), 6) elementwise.</summary>
public class ReLU6 : Module
{
    public override Tensor Forward(Tensor input) => Ops.Relu6(input);
}
