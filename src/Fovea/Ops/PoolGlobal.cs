namespace Fovea;

public static partial class Ops
{
    /// <summary>The mean of each channel's plane of x [N,C,*] (1 to 3 spatial axes), keeping the axes: [N,C,1,1] for images. d/dx = g / plane size.</summary>
    public static Tensor GlobalAvgPool(Tensor x)
    {
        if (x.Rank < 3 || x.Rank > 5) throw new ShapeMismatchException($"GlobalAvgPool: expected a 3-D to 5-D input [N,C,*], got {x.Shape}.");
        var ones = new int[x.Rank - 2];
        Array.Fill(ones, 1);
        return AdaptiveAvgPool(x, ones);
    }
}

public partial class Tensor
{
    public Tensor GlobalAvgPool() => Ops.GlobalAvgPool(this);
}
