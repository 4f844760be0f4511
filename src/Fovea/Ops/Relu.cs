using Fovea.Kernels;

namespace Fovea;

public static partial class Ops
{
    /// <summary>max(x, 0). d/dx = 1 where x &gt; 0, else 0.</summary>
    public static Tensor Relu(Tensor x)
    {
        var y = UnaryMap<ReluOp>(x);
        return Tape.Record(y, "Relu", [x], g => [BinaryMap<ReluGradOp>("ReluBackward", y, g)]);
    }
}

public partial class Tensor
{
    public Tensor Relu() => Ops.Relu(this);
}
