namespace Fovea.NN;

/// <summary>relu6(x+3)/6 elementwise.</summary>
public class Hardsigmoid : Module
{
    public override Tensor Forward(Tensor input) => Ops.Hardsigmoid(input);
}
