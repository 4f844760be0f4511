using Fovea.Kernels;

namespace Fovea;

public static partial class Ops
{
    /// <summary>a + b with broadcasting. d/da = 1, d/db = 1 (summed over broadcast axes).</summary>
    public static Tensor Add(Tensor a, Tensor b)
    {
        var y = BinaryMap<AddOp>("Add", a, b);
        return Tape.Record(y, "Add", [a, b], g => [g.SumTo(a.Shape), g.SumTo(b.Shape)]);
    }

    /// <summary>a + s.</summary>
    public static Tensor Add(Tensor a, float s)
    {
        var ac = a.Contiguous();
        var y = Tensor.Empty(a.Shape);
        Map.BinaryScalarRight<AddOp>(ac.Detach().Span, s, y.Span);
        return Tape.Record(y, "AddScalar", [a], g => [g]);
    }
}

public partial class Tensor
{
    public static Tensor operator +(Tensor a, Tensor b) => Ops.Add(a, b);
    public static Tensor operator +(Tensor a, float s) => Ops.Add(a, s);
    public static Tensor operator +(float s, Tensor a) => Ops.Add(a, s);
    public Tensor Add(Tensor other) => Ops.Add(this, other);
}
