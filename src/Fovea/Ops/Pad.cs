using Fovea.Kernels;

namespace Fovea;

public static partial class Ops
{
    /// <summary>
    /// Pads like PyTorch's F.pad: <paramref name="pads"/> lists (before, after) pairs starting from the last axis
    /// ([left, right, top, bottom, ...]); negative values crop. Modes: "constant" (fills <paramref name="value"/>),
    /// "reflect" (mirrors without repeating the edge; each pad must be smaller than the axis) and "replicate"
    /// (repeats the edge). The gradient is g read back through the same index maps (summed where cells repeat).
    /// </summary>
    public static Tensor Pad(Tensor x, int[] pads, string mode = "constant", float value = 0f)
    {
        ArgumentNullException.ThrowIfNull(pads);
        if (pads.Length % 2 != 0 || pads.Length / 2 > x.Rank)
            throw new ShapeMismatchException($"Pad: pads {Shape.Format(pads)} must hold (before, after) pairs for at most {x.Rank} axes of {x.Shape}.");
        int kind = mode switch
        {
            "constant" => 0,
            "reflect" => 1,
            "replicate" => 2,
            _ => throw new ArgumentException($"Pad: mode must be \"constant\", \"reflect\" or \"replicate\", got \"{mode}\"."),
        };
        int r = x.Rank;
        var maps = new int[r][];
        var dims = new int[r];
        for (int d = 0; d < r; d++)
        {
            int p = r - 1 - d;                // pair index: the last axis comes first
            int before = 2 * p < pads.Length ? pads[2 * p] : 0, after = 2 * p + 1 < pads.Length ? pads[2 * p + 1] : 0;
            int n = x.Shape[d], m = n + before + after;
            if (m < 0) throw new ShapeMismatchException($"Pad: pads ({before}, {after}) leave a negative size on axis {d} of {x.Shape}.");
            if (kind == 1 && (before >= n || after >= n) && (before > 0 || after > 0))
                throw new ArgumentException($"Pad: reflect pads ({before}, {after}) must be smaller than axis {d} of size {n} in {x.Shape}.");
            if (kind == 2 && n == 0 && m > 0)
                throw new ArgumentException($"Pad: replicate cannot pad the empty axis {d} of {x.Shape}.");
            var map = new int[m];
            for (int j = 0; j < m; j++)
            {
                int s = j - before;
                if (s >= 0 && s < n) { map[j] = s; continue; }
                map[j] = kind switch
                {
                    0 => -1,
                    1 => s < 0 ? -s : 2 * (n - 1) - s,
                    _ => s < 0 ? 0 : n - 1,
                };
            }
            maps[d] = map;
            dims[d] = m;
        }
        var y = Tensor.Empty(dims);
        PadKernel.Forward(x.Storage, x.Offset, x.Strides, maps, value, y.Span);
        return Tape.Record(y, "Pad", [x], g =>
        {
            var d = Tensor.Empty(x.Shape);
            PadKernel.Backward(Dense(g), maps, d.Span, d.Strides);
            return [d];
        });
    }
}

public partial class Tensor
{
    public Tensor Pad(int[] pads, string mode = "constant", float value = 0f) => Ops.Pad(this, pads, mode, value);
}
