using System.Runtime.CompilerServices;

namespace Fovea.Kernels;

/// <summary>
/// Adaptive average and max pooling over contiguous [planes, D, H, W] buffers with PyTorch's windows: output i of
/// an axis of input size n and output size m covers [floor(i·n/m), ceil((i+1)·n/m)).
/// </summary>
public static unsafe class AdaptivePoolKernel
{
    /// <summary>The window [start, end) of output <paramref name="i"/>.</summary>
    public static (int start, int end) Window(int i, int inSize, int outSize)
        => ((int)((long)i * inSize / outSize), (int)(((long)(i + 1) * inSize + outSize - 1) / outSize));

    /// <summary>Average (<paramref name="indices"/> empty) or max (indices receives flat positions within the plane).</summary>
    public static void Forward(ReadOnlySpan<float> x, Span<float> y, Span<int> indices, int planes,
        int inD, int inH, int inW, int outD, int outH, int outW, bool max)
    {
        int inP = inD * inH * inW, outP = outD * outH * outW;
        if (x.Length < planes * inP || y.Length < planes * outP || (max && indices.Length < planes * outP))
            throw new ArgumentException("AdaptivePoolKernel.Forward: buffer too small.");
        if (planes == 0 || outP == 0) return;
        fixed (float* px = x, py = y)
        fixed (int* pi = indices)
        {
            nint ax = (nint)px, ay = (nint)py, ai = (nint)pi;
            PlaneLoop.Run(planes, inP + outP, (lo, hi) =>
            {
                for (int n = lo; n < hi; n++)
                    Plane((float*)ax + (long)n * inP, (float*)ay + (long)n * outP, max ? (int*)ai + (long)n * outP : null,
                        inD, inH, inW, outD, outH, outW, backward: false);
            });
        }
    }

    /// <summary>Adjoint of the average forward: gx (overwritten) receives g[o] / window size over each window.</summary>
    public static void BackwardAvg(ReadOnlySpan<float> g, Span<float> gx, int planes, int inD, int inH, int inW, int outD, int outH, int outW)
    {
        int inP = inD * inH * inW, outP = outD * outH * outW;
        if (g.Length < planes * outP || gx.Length < planes * inP) throw new ArgumentException("AdaptivePoolKernel.BackwardAvg: buffer too small.");
        gx.Slice(0, planes * inP).Clear();
        if (planes == 0 || outP == 0) return;
        fixed (float* pg = g, px = gx)
        {
            nint ag = (nint)pg, ax = (nint)px;
            PlaneLoop.Run(planes, inP + outP, (lo, hi) =>
            {
                for (int n = lo; n < hi; n++)
                    Plane((float*)ax + (long)n * inP, (float*)ag + (long)n * outP, null, inD, inH, inW, outD, outH, outW, backward: true);
            });
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Plane(float* x, float* y, int* idx, int inD, int inH, int inW, int outD, int outH, int outW, bool backward)
    {
        int o = 0;
        for (int od = 0; od < outD; od++)
        {
            var (d0, d1) = Window(od, inD, outD);
            for (int oh = 0; oh < outH; oh++)
            {
                var (h0, h1) = Window(oh, inH, outH);
                for (int ow = 0; ow < outW; ow++, o++)
                {
                    var (w0, w1) = Window(ow, inW, outW);
                    if (idx != null)
                    {
                        float best = float.NegativeInfinity;
                        int arg = -1;
                        for (int d = d0; d < d1; d++)
                            for (int h = h0; h < h1; h++)
                            {
                                int row = (d * inH + h) * inW;
                                for (int w = w0; w < w1; w++)
                                {
                                    float v = x[row + w];
                                    if (arg < 0 || v > best || float.IsNaN(v)) { best = v; arg = row + w; }
                                }
                            }
                        y[o] = best;
                        idx[o] = arg;
                        continue;
                    }
                    int count = (d1 - d0) * (h1 - h0) * (w1 - w0);
                    if (!backward)
                    {
                        float s = 0;
                        for (int d = d0; d < d1; d++)
                            for (int h = h0; h < h1; h++)
                            {
                                float* row = x + (d * inH + h) * inW;
                                for (int w = w0; w < w1; w++) s += row[w];
                            }
                        y[o] = s / count;
                    }
                    else
                    {
                        float v = y[o] / count;
                        for (int d = d0; d < d1; d++)
                            for (int h = h0; h < h1; h++)
                            {
                                float* row = x + (d * inH + h) * inW;
                                for (int w = w0; w < w1; w++) row[w] += v;
                            }
                    }
                }
            }
        }
    }
}
