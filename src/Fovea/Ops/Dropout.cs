using System.Numerics.Tensors;

namespace Fovea;

public static partial class Ops
{
    /// <summary>
    /// Inverted dropout: in training each element is zeroed with probability <paramref name="p"/> and the survivors
    /// are scaled by 1/(1-p), so evaluation (or p = 0) is the identity and returns x itself. Draws from
    /// <paramref name="generator"/> (default: <see cref="Generator.Default"/>). d/dx = the same mask.
    /// </summary>
    public static Tensor Dropout(Tensor x, float p, bool training, Generator? generator = null)
    {
        CheckDropoutP("Dropout", p);
        if (!training || p == 0f) return x;
        var gen = generator ?? Generator.Default;
        var mask = new float[x.Numel];
        float keep = p >= 1f ? 0f : 1f / (1f - p);
        for (int i = 0; i < mask.Length; i++) mask[i] = gen.NextFloat() >= p ? keep : 0f;
        var y = Tensor.Uninitialized(x.Shape);
        TensorPrimitives.Multiply(PoolDense(x), mask, y.Span);
        return Tape.Record(y, "Dropout", [x], g =>
        {
            var gx = GradPool.ReuseOrRent(g, g.Shape);
            TensorPrimitives.Multiply(PoolDense(g), mask, gx.Span);
            return [gx];
        });
    }

    internal static void CheckDropoutP(string op, float p)
    {
        if (!(p >= 0f && p <= 1f)) throw new ArgumentException($"{op}: probability p must be in [0, 1], got {p}.");
    }
}

public partial class Tensor
{
    public Tensor Dropout(float p, bool training, Generator? generator = null) => Ops.Dropout(this, p, training, generator);
}
