using System.Numerics.Tensors;

namespace Fovea;

public static partial class Ops
{
    /// <summary>
    /// Channel dropout for x [N,C,*] (at least one spatial axis): in training each (sample, channel) plane is zeroed
    /// as a whole with probability <paramref name="p"/> and the kept planes are scaled by 1/(1-p); identity in
    /// evaluation. d/dx = the same per-plane mask.
    /// </summary>
    public static Tensor Dropout2d(Tensor x, float p, bool training, Generator? generator = null)
    {
        CheckDropoutP("Dropout2d", p);
        if (x.Rank < 3) throw new ShapeMismatchException($"Dropout2d: expected an input [N,C,*] with at least one spatial axis, got {x.Shape}.");
        if (!training || p == 0f) return x;
        var gen = generator ?? Generator.Default;
        int planes = x.Shape[0] * x.Shape[1], s = planes == 0 ? 0 : x.Numel / planes;
        var mask = new float[planes];
        float keep = p >= 1f ? 0f : 1f / (1f - p);
        for (int i = 0; i < planes; i++) mask[i] = gen.NextFloat() >= p ? keep : 0f;
        var y = Tensor.Empty(x.Shape);
        ApplyPlaneMask(PoolDense(x), mask, s, y.Span);
        return Tape.Record(y, "Dropout2d", [x], g =>
        {
            var gx = Tensor.Empty(g.Shape);
            ApplyPlaneMask(PoolDense(g), mask, s, gx.Span);
            return [gx];
        });
    }

    static void ApplyPlaneMask(ReadOnlySpan<float> src, float[] mask, int planeSize, Span<float> dst)
    {
        for (int i = 0; i < mask.Length; i++)
        {
            var d = dst.Slice(i * planeSize, planeSize);
            if (mask[i] == 0f) d.Clear();
            else TensorPrimitives.Multiply(src.Slice(i * planeSize, planeSize), mask[i], d);
        }
    }
}
