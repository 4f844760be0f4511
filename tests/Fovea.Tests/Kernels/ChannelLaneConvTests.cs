using System.Runtime.Intrinsics;
using Fovea.Kernels;
using Fovea.Tests.Reference;

namespace Fovea.Tests.Kernels;

/// <summary>
/// The channels-in-lanes implicit product (<see cref="ChannelLaneConv"/>) against <see cref="ImplicitConv"/> (tested
/// against the naive reference in <see cref="ImplicitConvTests"/>): the same sums in the same order, so the outputs and
/// their fused 2x2 max pool must match bit for bit, for widths around the 14-position register block (chunks of 14,
/// odd sizes for the pool's floor mode), 32 and 64 channels, kernel shapes, with and without bias and ReLU.
/// </summary>
public unsafe class ChannelLaneConvTests
{
    [Theory]
    [InlineData(3, 32, 3, 1, 1, 1)]
    [InlineData(3, 32, 3, 1, 14, 14)]
    [InlineData(3, 64, 3, 1, 14, 15)]
    [InlineData(3, 32, 3, 1, 5, 13)]
    [InlineData(2, 32, 3, 1, 9, 28)]
    [InlineData(2, 32, 3, 1, 7, 31)]
    [InlineData(5, 32, 2, 0, 6, 17)]    // 2x2, no padding
    [InlineData(3, 32, 5, 2, 8, 20)]    // 5x5
    [InlineData(32, 64, 3, 1, 14, 14)]  // fmnist-cnn's conv2
    public void MatchesTheGridKernelBitwise(int cin, int cout, int k, int pad, int h, int w)
    {
        if (!Vector512.IsHardwareAccelerated) return;   // both kernels need AVX-512
        var c = new ConvCase([1, cin, h, w], [cout, cin, k, k], [1, 1], [pad, pad], [pad, pad], [1, 1], 1);
        var geo = c.Geometry();
        Assert.True(ChannelLaneConv.Supports(geo, cout), $"not taken: {c}");
        var r = new Random(cin * 100 + cout + h * 7 + w);
        var x = ConvCase.Randn(r, ConvCase.Numel(c.XShape));
        var wt = ConvCase.Randn(r, ConvCase.Numel(c.WShape));
        var b = ConvCase.Randn(r, cout);
        int p = geo.OutSpatial, pp = (geo.OutH / 2) * (geo.OutW / 2);
        var padded = new float[ImplicitConv.PaddedLength(geo)];
        var grid = new float[ImplicitConv.GridLength(geo)];
        var transposed = new float[ChannelLaneConv.WeightLength(geo, cout)];
        var scratch = new float[ChannelLaneConv.ScratchLength(geo)];
        foreach (bool bias in new[] { true, false })
            foreach (bool relu in new[] { false, true })
            {
                var expected = new float[cout * p];
                var expectedPooled = new float[cout * pp];
                var y = new float[cout * p];
                var pooled = new float[cout * pp];
                Array.Fill(y, float.NaN);
                Array.Fill(pooled, float.NaN);
                fixed (float* px = x, pw = wt, pb = b, pad0 = padded, pg = grid, pt = transposed, ps = scratch, pe = expected, pep = expectedPooled, py = y, pq = pooled)
                {
                    DirectSmallConv.Pad(px, pad0, geo);
                    ImplicitConv.Forward(pad0, pw, bias ? pb : null, pe, cout, pg, geo, relu);
                    MaxPool2x2Kernel.ForwardSerial(pe, pep, cout, geo.OutH, geo.OutW);
                    ChannelLaneConv.TransposeWeight(pw, cout, pt, geo);
                    ChannelLaneConv.Forward(pad0, pt, cout, bias ? pb : null, py, pq, geo, relu, ps);
                }
                Assert.True(expected.AsSpan().SequenceEqual(y), $"{c} bias {bias} relu {relu}: outputs differ");
                Assert.True(expectedPooled.AsSpan().SequenceEqual(pooled), $"{c} bias {bias} relu {relu}: pooled outputs differ");
            }
    }
}
