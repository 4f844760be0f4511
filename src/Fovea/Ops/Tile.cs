namespace Fovea;

public static partial class Ops
{
    /// <summary>torch.tile: like <see cref="Repeat"/>, but fewer counts than axes are padded with leading 1s.</summary>
    public static Tensor Tile(Tensor x, params int[] reps)
    {
        ArgumentNullException.ThrowIfNull(reps);
        if (reps.Length >= x.Rank) return Repeat(x, reps);
        var full = new int[x.Rank];
        Array.Fill(full, 1);
        reps.CopyTo(full, x.Rank - reps.Length);
        return Repeat(x, full);
    }
}

public partial class Tensor
{
    public Tensor Tile(params int[] reps) => Ops.Tile(this, reps);
}
