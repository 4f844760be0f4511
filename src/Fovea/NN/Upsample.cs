namespace Fovea.NN;

/// <summary>
/// Resizes the spatial axes of [N,C,L], [N,C,H,W] or [N,C,D,H,W] input to <see cref="Size"/> or by
/// <see cref="ScaleFactor"/> (exactly one), with mode "nearest", "linear", "bilinear", "bicubic" or "trilinear",
/// like <c>torch.nn.Upsample</c>. alignCorners applies to the interpolating modes only.
/// </summary>
public class Upsample : Module
{
    static readonly string[] Modes = ["nearest", "linear", "bilinear", "bicubic", "trilinear"];

    public int[]? Size { get; }
    public float[]? ScaleFactor { get; }
    public string Mode { get; }
    public bool? AlignCorners { get; }

    public Upsample(int[]? size = null, float[]? scaleFactor = null, string mode = "nearest", bool? alignCorners = null)
    {
        if ((size is null) == (scaleFactor is null))
            throw new ArgumentException("Upsample: give exactly one of size and scale_factor.");
        if (size is not null) Size = Args.Sizes("Upsample", "size", size, size.Length, [1], 1);
        if (scaleFactor is not null)
        {
            if (scaleFactor.Length == 0 || scaleFactor.Any(f => !(f > 0)))
                throw new ArgumentException($"Upsample: scale_factor=[{string.Join(",", scaleFactor)}] must be positive.");
            ScaleFactor = (float[])scaleFactor.Clone();
        }
        if (!Modes.Contains(mode)) throw new ArgumentException($"Upsample: mode=\"{mode}\" is not one of {string.Join(", ", Modes)}.");
        if (alignCorners is not null && mode == "nearest")
            throw new ArgumentException("Upsample: align_corners can only be set with the interpolating modes (linear, bilinear, bicubic, trilinear).");
        Mode = mode;
        AlignCorners = alignCorners;
    }

    /// <summary>Scales every spatial axis by <paramref name="scaleFactor"/>.</summary>
    public Upsample(float scaleFactor, string mode = "nearest", bool? alignCorners = null) : this(null, [scaleFactor], mode, alignCorners) { }

    public override Tensor Forward(Tensor input)
    {
        int want = Mode switch { "linear" => 3, "bilinear" or "bicubic" => 4, "trilinear" => 5, _ => 0 };
        if (want != 0 ? input.Rank != want : input.Rank is < 3 or > 5)
            throw InputError(input, want switch { 3 => "[N,C,L]", 4 => "[N,C,H,W]", 5 => "[N,C,D,H,W]", _ => "[N,C,L], [N,C,H,W] or [N,C,D,H,W]" }, $"{input.Rank}-D, mode {Mode}");
        int spatial = input.Rank - 2;
        var size = Size;
        var scale = ScaleFactor;
        if (size is not null && size.Length != spatial)
        {
            if (size.Length != 1) throw InputError(input, $"{size.Length} spatial axes for size {Shape.Format(size)}", $"{spatial} spatial axes");
            size = Functional.Rep(size[0], spatial);
        }
        if (scale is not null && scale.Length != spatial)
        {
            if (scale.Length != 1) throw InputError(input, $"{scale.Length} spatial axes for scale_factor", $"{spatial} spatial axes");
            scale = Enumerable.Repeat(scale[0], spatial).ToArray();
        }
        return Ops.Interpolate(input, size, scale, Mode, AlignCorners);
    }

    protected override string ExtraRepr()
    {
        string s = Size is not null
            ? "size=" + (Size.Length == 1 ? Size[0].ToString(System.Globalization.CultureInfo.InvariantCulture) : Repr.Tuple(Size))
            : "scale_factor=" + (ScaleFactor!.Length == 1 ? Repr.Float(ScaleFactor[0]) : "(" + string.Join(", ", ScaleFactor.Select(Repr.Float)) + ")");
        return $"{s}, mode='{Mode}'" + (AlignCorners is { } a ? $", align_corners={Repr.Bool(a)}" : "");
    }
}
