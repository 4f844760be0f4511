using System.Numerics.Tensors;
using Fovea.Kernels;

namespace Fovea;

public static partial class Ops
{
    /// <summary>
    /// Limits x to [min, max] (either bound may be null). d/dx = 1 where min ≤ x ≤ max, else 0. NaN stays NaN.
    /// </summary>
    public static Tensor Clamp(Tensor x, float? min, float? max)
    {
        if (min is null && max is null) throw new ArgumentException("Clamp: at least one of min and max must be given.");
        var xs = Dense(x);
        var y = Tensor.Empty(x.Shape);
        var ys = y.Span;
        xs.CopyTo(ys);
        if (min is float lo) TensorPrimitives.Max(ys, lo, ys);
        if (max is float hi) TensorPrimitives.Min(ys, hi, ys);
        return Tape.Record(y, "Clamp", [x], g =>
        {
            var d = Tensor.Empty(x.Shape);
            Elementwise.PassInRange(Dense(x), Dense(g), min ?? float.NegativeInfinity, max ?? float.PositiveInfinity, d.Span);
            return [d];
        });
    }
}

public partial class Tensor
{
    public Tensor Clamp(float? min, float? max) => Ops.Clamp(this, min, max);
}
