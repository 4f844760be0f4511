namespace Fovea.NN;

/// <summary>x·relu6(x+3)/6 elementwise (MobileNetV3).</summary>
public class Hardswish : Module
{
    public override Tensor Forward(Tensor input) => Ops.Hardswish(input);
}
