namespace Fovea;

public static partial class Ops
{
    /// <summary>A contiguous copy of a strided view. The gradient passes through unchanged.</summary>
    public static Tensor Contiguous(Tensor x)
    {
        var y = ContiguousCopy(x);
        return Tape.Record(y, "Contiguous", [x], g => [g]);
    }
}
