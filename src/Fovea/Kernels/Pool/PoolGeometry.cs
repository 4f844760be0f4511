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
}
