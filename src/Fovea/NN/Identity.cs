namespace Fovea.NN;

/// <summary>Returns its input unchanged (a placeholder, e.g. to remove a classifier head).</summary>
public class Identity : Module
{
    public override Tensor Forward(Tensor input) => input;
}
