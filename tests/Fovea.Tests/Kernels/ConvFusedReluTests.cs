using System.Numerics.Tensors;
using Fovea.Kernels;
using Fovea.Tests.Reference;

namespace Fovea.Tests.Kernels;

public class ConvFusedReluTests
{
    // The ReLU applied in the kernel's store equals the plain forward followed by max(·, 0), bitwise, on every path:
    // small-k (1 input channel), GEMM with channels on M or N, samples side by side or tiled, pointwise, depthwise.
    public static TheoryData<int, int, int, int, int, int, int, int> Cases => new()
    {
        // batch, cin, cout, h, w, k, pad, groups
        { 1, 1, 5, 9, 11, 3, 1, 1 },      // small-k
        { 3, 1, 32, 7, 5, 3, 1, 1 },
        { 3, 1, 32, 28, 28, 3, 1, 1 },    // direct small-channel kernel (AVX-512, rows >= 16 wide)
        { 2, 1, 13, 9, 37, 3, 1, 1 },
        { 3, 8, 12, 14, 14, 3, 1, 1 },    // implicit GEMM (small stride-1 samples)
        { 2, 6, 16, 7, 9, 3, 1, 2 },
        { 1, 5, 7, 9, 11, 3, 1, 1 },      // GEMM, channels on M
        { 5, 6, 33, 7, 9, 3, 1, 1 },      // channels on N, samples side by side
        { 2, 3, 40, 27, 25, 3, 0, 1 },    // channels on N, one sample per block
        { 3, 4, 9, 5, 7, 1, 0, 1 },       // pointwise
        { 2, 6, 6, 9, 7, 3, 1, 6 },       // depthwise
        { 2, 6, 9, 8, 7, 3, 1, 3 },       // grouped
        { 3, 32, 64, 14, 14, 3, 1, 1 },   // Winograd F(2x2) (AVX-512), whole images per block
        { 2, 32, 40, 13, 13, 3, 1, 1 },   // F(2x2), odd sizes: the last tile row and column fall outside the pool
        { 8, 32, 40, 15, 13, 3, 1, 1 },   // F(4x4), odd sizes, several images per block
        { 2, 33, 32, 28, 28, 3, 1, 1 },   // F(4x4)
        { 1, 32, 35, 57, 55, 3, 1, 1 },   // F(4x4), odd sizes, bands of tile rows of one image
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void ReluEpilogueMatchesSeparatePass(int batch, int cin, int cout, int h, int w, int k, int pad, int groups)
    {
        var r = new Random(batch * 1000 + cin * 100 + cout);
        var c = new ConvCase([batch, cin, h, w], [cout, cin / groups, k, k], [1, 1], [pad, pad], [pad, pad], [1, 1], groups);
        var x = ConvCase.Randn(r, ConvCase.Numel(c.XShape));
        var wt = ConvCase.Randn(r, ConvCase.Numel(c.WShape));
        var b = ConvCase.Randn(r, cout);
        var geo = c.Geometry();
        var expected = new float[ConvCase.Numel(c.YShape)];
        ConvKernel.Forward(x, wt, b, expected, geo);
        TensorPrimitives.Max(expected, 0f, expected);
        var y = new float[expected.Length];
        y.AsSpan().Fill(float.NaN);
        ConvKernel.Forward(x, wt, b, y, geo, GemmActivation.Relu);
        Assert.Equal(expected, y);
    }

    // Conv + ReLU + 2x2 max pool in one call equals the three passes, bitwise, on every path (odd sizes: floor mode).
    [Theory]
    [MemberData(nameof(Cases))]
    public void MaxPoolFusionMatchesSeparatePasses(int batch, int cin, int cout, int h, int w, int k, int pad, int groups)
    {
        var r = new Random(batch * 1000 + cin * 100 + cout + 7);
        var c = new ConvCase([batch, cin, h, w], [cout, cin / groups, k, k], [1, 1], [pad, pad], [pad, pad], [1, 1], groups);
        var x = ConvCase.Randn(r, ConvCase.Numel(c.XShape));
        var wt = ConvCase.Randn(r, ConvCase.Numel(c.WShape));
        var b = ConvCase.Randn(r, cout);
        var geo = c.Geometry();
        int[] ys = c.YShape;
        var full = new float[ConvCase.Numel(ys)];
        ConvKernel.Forward(x, wt, b, full, geo, GemmActivation.Relu);
        var expected = new float[batch * cout * (ys[2] / 2) * (ys[3] / 2)];
        MaxPool2x2Kernel.Forward(full, expected, batch * cout, ys[2], ys[3]);
        foreach (var act in new[] { GemmActivation.Relu, GemmActivation.None })
        {
            if (act == GemmActivation.None)
            {
                ConvKernel.Forward(x, wt, b, full, geo);
                MaxPool2x2Kernel.Forward(full, expected, batch * cout, ys[2], ys[3]);
            }
            var y = new float[expected.Length];
            y.AsSpan().Fill(float.NaN);
            ConvKernel.ForwardMaxPool2x2(x, wt, b, y, geo, act);
            Assert.Equal(expected, y);
        }
    }
}
