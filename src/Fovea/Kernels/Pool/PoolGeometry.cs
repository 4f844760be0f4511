namespace Fovea.Kernels;

/// <summary>
/// The window geometry of a pooling op over one [D, H, W] plane (1-D and 2-D pools use size-1 leading axes with
/// kernel 1, stride 1, no padding): input and output sizes, kernel, stride, left padding and dilation per axis.
/// </summary>
public readonly record struct PoolGeometry(
    int InD, int InH, int InW, int OutD, int OutH, int OutW,
    int KD, int KH, int KW, int SD, int SH, int SW, int PD, int PH, int PW, int DD = 1, int DH = 1, int DW = 1)
{
    /// <summary>Elements in one input plane.</summary>
    public int InPlane => InD * InH * InW;
    /// <summary>Elements in one output plane.</summary>
    public int OutPlane => OutD * OutH * OutW;

    /// <summary>The kernel offsets [k0, k1) whose positions start + k·dil lie inside [0, size).</summary>
    internal static (int k0, int k1) Valid(int start, int k, int dil, int size)
    {
        int k0 = start >= 0 ? 0 : (-start + dil - 1) / dil;
        int k1 = start + (k - 1) * dil < size ? k : (size - start + dil - 1) / dil;
        if (k1 < k0) k1 = k0;
        return (k0, k1);
    }

    /// <summary>Per output position of one axis: the window's first input position and its valid kernel offsets [K0, K1).</summary>
    public sealed record AxisTable(int[] Start, int[] K0, int[] K1);

    /// <summary>The window table of one axis.</summary>
    public static AxisTable Table(int outSize, int inSize, int k, int s, int p, int d)
    {
        var start = new int[outSize];
        var k0 = new int[outSize];
        var k1 = new int[outSize];
        for (int o = 0; o < outSize; o++)
        {
            start[o] = o * s - p;
            (k0[o], k1[o]) = Valid(start[o], k, d, inSize);
        }
        return new AxisTable(start, k0, k1);
    }
}
