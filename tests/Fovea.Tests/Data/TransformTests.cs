using Fovea.Data.Transforms;
using Fovea.Tests.Reference;

namespace Fovea.Tests.Data;

public class TransformTests
{
    static float[] Run(Transform t, float[] src, int c, int h, int w, Generator? g = null)
    {
        var (oc, oh, ow) = t.OutputShape(c, h, w);
        var dst = new float[oc * oh * ow];
        t.Apply(src, c, h, w, dst, g ?? new Generator(1));
        return dst;
    }

    static float[] Iota(int n) { var a = new float[n]; for (int i = 0; i < n; i++) a[i] = i; return a; }

    [Fact]
    public void NormalizePerChannel()
    {
        var y = Run(new Normalize([1f, 2f], [2f, 4f]), [1, 3, 2, 10], 2, 1, 2);
        TensorAssert.Close([0f, 1f, 0f, 2f], y, 1e-6f, 0, "");
        var one = Run(new Normalize(0.5f, 0.25f), [0.5f, 1f, 0f], 1, 1, 3);
        TensorAssert.Close([0f, 2f, -2f], one, 1e-6f, 0, "");
        Assert.Throws<ShapeMismatchException>(() => new Normalize([1f, 2f], [1f, 1f]).OutputShape(3, 2, 2));
        Assert.Throws<ArgumentException>(() => new Normalize(0f, 0f));
    }

    [Fact]
    public void CropWithPaddingByHand()
    {
        // 1x3x3 image 0..8, window 2x2 at (top -1, left 1): row -1 is padding, row 0 gives 2 and padding.
        var dst = new float[4];
        RandomCrop.Crop(Iota(9), 1, 3, 3, -1, 1, 2, 2, -5f, dst);
        TensorAssert.Close([-5f, -5f, 1f, 2f], dst, 0, 0, "");
        RandomCrop.Crop(Iota(9), 1, 3, 3, 1, -1, 2, 2, 0f, dst);
        TensorAssert.Close([0f, 3f, 0f, 6f], dst, 0, 0, "");
        // A full-size crop without padding is the identity.
        TensorAssert.Close(Iota(18), Run(new RandomCrop(3), Iota(18), 2, 3, 3), 0, 0, "");
    }

    [Fact]
    public void CenterCropByHand()
    {
        // 4x4 image 0..15: the central 2x2 is 5 6 / 9 10; a 3x3 crop starts at round(0.5) = 0.
        TensorAssert.Close([5f, 6, 9, 10], Run(new CenterCrop(2), Iota(16), 1, 4, 4), 0, 0, "");
        TensorAssert.Close([0f, 1, 2, 4, 5, 6, 8, 9, 10], Run(new CenterCrop(3), Iota(16), 1, 4, 4), 0, 0, "");
        // Larger than the image: padded around it.
        TensorAssert.Close([0f, 0, 0, 0, 0, 0, 1, 0, 0, 2, 3, 0, 0, 0, 0, 0], Run(new CenterCrop(4), [0f, 1, 2, 3], 1, 2, 2), 0, 0, "");
    }

    [Fact]
    public void RandomCropCoversAllOffsets()
    {
        var seen = new HashSet<float>();
        var g = new Generator(3);
        var t = new RandomCrop(1, padding: 1, fill: -1);
        for (int i = 0; i < 300; i++) seen.Add(Run(t, Iota(4), 1, 2, 2, g)[0]);
        Assert.Equal(new HashSet<float> { -1, 0, 1, 2, 3 }, seen);
    }

    [Fact]
    public void FlipAlwaysAndNever()
    {
        var src = Iota(12);   // 2 channels of 2x3
        TensorAssert.Close([2f, 1, 0, 5, 4, 3, 8, 7, 6, 11, 10, 9], Run(new RandomHorizontalFlip(1), src, 2, 2, 3), 0, 0, "");
        TensorAssert.Close(src, Run(new RandomHorizontalFlip(0), src, 2, 2, 3), 0, 0, "");
    }

    [Fact]
    public void AffineWarpByHand()
    {
        var src = Iota(9);    // 0 1 2 / 3 4 5 / 6 7 8
        var dst = new float[9];
        RandomAffine.Warp(src, 1, 3, 3, 0, 0, 0, 1, 0, dst);
        TensorAssert.Close(src, dst, 1e-5f, 0, "identity");
        // 90 degrees counter-clockwise as displayed: the right column becomes the top row.
        RandomAffine.Warp(src, 1, 3, 3, 90, 0, 0, 1, 0, dst);
        TensorAssert.Close([2f, 5, 8, 1, 4, 7, 0, 3, 6], dst, 1e-5f, 0, "rot90");
        // Shift right by one pixel: the left column comes from outside (fill -1).
        RandomAffine.Warp(src, 1, 3, 3, 0, 1, 0, 1, -1, dst);
        TensorAssert.Close([-1f, 0, 1, -1, 3, 4, -1, 6, 7], dst, 1e-5f, 0, "shift");
        // Half a pixel down: bilinear between rows (top row half fill 0).
        RandomAffine.Warp(src, 1, 3, 3, 0, 0, 0.5f, 1, 0, dst);
        TensorAssert.Close([0f, 0.5f, 1, 1.5f, 2.5f, 3.5f, 4.5f, 5.5f, 6.5f], dst, 1e-5f, 0, "half");
        // Zoom x2 about the centre pixel: the centre stays, (0,0) samples (0.5,0.5).
        RandomAffine.Warp(src, 1, 3, 3, 0, 0, 0, 2, 0, dst);
        Assert.Equal(4f, dst[4], 5);
        Assert.Equal(2f, dst[0], 5);
    }

    // Naive reference: for every output pixel, the inverse map in double and bilinear sampling with zero-filled edges.
    static float[] NaiveWarp(float[] src, int h, int w, double deg, double dx, double dy, double scale, float fill)
    {
        double a = deg * Math.PI / 180, cx = (w - 1) / 2.0, cy = (h - 1) / 2.0;
        double At(int y, int x) => y >= 0 && y < h && x >= 0 && x < w ? src[y * w + x] : fill;
        var dst = new float[h * w];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                double u = x - cx - dx, v = y - cy - dy;
                double sx = cx + (Math.Cos(a) * u - Math.Sin(a) * v) / scale;
                double sy = cy + (Math.Sin(a) * u + Math.Cos(a) * v) / scale;
                if (!(sx > -1 && sx < w && sy > -1 && sy < h)) { dst[y * w + x] = fill; continue; }
                int x0 = (int)Math.Floor(sx), y0 = (int)Math.Floor(sy);
                double fx = sx - x0, fy = sy - y0;
                double top = At(y0, x0) * (1 - fx) + At(y0, x0 + 1) * fx;
                double bottom = At(y0 + 1, x0) * (1 - fx) + At(y0 + 1, x0 + 1) * fx;
                dst[y * w + x] = (float)(top * (1 - fy) + bottom * fy);
            }
        return dst;
    }

    [Theory]
    [InlineData(7, 5, 23.0, 0.7, -1.2, 1.0)]
    [InlineData(28, 28, -13.0, 2.5, 1.5, 0.9)]
    [InlineData(31, 17, 170.0, -3.0, 0.0, 1.3)]
    public void AffineWarpMatchesNaiveReference(int h, int w, double deg, double dx, double dy, double scale)
    {
        var g = new Generator(h * w);
        var src = new float[h * w];
        for (int i = 0; i < src.Length; i++) src[i] = g.NextFloat();
        var dst = new float[h * w];
        RandomAffine.Warp(src, 1, h, w, (float)deg, (float)dx, (float)dy, (float)scale, 0.25f, dst);
        TensorAssert.Close(NaiveWarp(src, h, w, deg, dx, dy, scale, 0.25f), dst, 2e-4f, 1e-3f, $"[{h},{w}]");
    }

    [Fact]
    public void RandomAffineWithZeroRangesIsIdentityAndDrawsAreDeterministic()
    {
        var src = Iota(2 * 5 * 4);
        TensorAssert.Close(src, Run(new RandomAffine(0), src, 2, 5, 4), 1e-5f, 0, "");
        var t = new RandomAffine(30, 0.2f, 0.2f, 0.8f, 1.2f);
        var a = Run(t, src, 2, 5, 4, new Generator(9));
        var b = Run(t, src, 2, 5, 4, new Generator(9));
        Assert.Equal(a, b);
        Assert.NotEqual(src, a);
    }

    [Fact]
    public void ResizeMatchesTorchBilinear()
    {
        // torch.nn.functional.interpolate(x, size, mode="bilinear", align_corners=False)
        TensorAssert.Close([0f, 0.25f, 0.75f, 1, 0.5f, 0.75f, 1.25f, 1.5f, 1.5f, 1.75f, 2.25f, 2.5f, 2, 2.25f, 2.75f, 3],
            Run(new Resize(4), [0f, 1, 2, 3], 1, 2, 2), 1e-5f, 0, "up");
        TensorAssert.Close([2.1666667f, 3.5f, 4.8333333f, 10.1666667f, 11.5f, 12.8333333f],
            Run(new Resize(2, 3), Iota(16), 1, 4, 4), 1e-5f, 0, "down");
        TensorAssert.Close([0.5f, 2.5f, 2.1f, 4.1f, 4.5f, 6.5f, 6.9f, 8.9f, 8.5f, 10.5f],
            Run(new Resize(5, 2), Iota(12), 1, 3, 4), 1e-5f, 0, "mixed");
    }

    [Fact]
    public void ResizeMatchesNaiveReferenceOnOddSizes()
    {
        foreach (var (h, w, oh, ow) in new[] { (5, 7, 3, 11), (28, 28, 32, 32), (9, 600, 4, 700), (1, 1, 3, 2) })
        {
            var src = Iota(h * w);
            var dst = Run(new Resize(oh, ow), src, 1, h, w);
            var expect = new float[oh * ow];
            for (int i = 0; i < oh; i++)
                for (int j = 0; j < ow; j++)
                {
                    double fy = Math.Max((i + 0.5) * h / oh - 0.5, 0), fx = Math.Max((j + 0.5) * w / ow - 0.5, 0);
                    int y0 = Math.Min((int)fy, h - 1), x0 = Math.Min((int)fx, w - 1);
                    int y1 = Math.Min(y0 + 1, h - 1), x1 = Math.Min(x0 + 1, w - 1);
                    double ly = fy - y0, lx = fx - x0;
                    expect[i * ow + j] = (float)((src[y0 * w + x0] * (1 - lx) + src[y0 * w + x1] * lx) * (1 - ly)
                                               + (src[y1 * w + x0] * (1 - lx) + src[y1 * w + x1] * lx) * ly);
                }
            TensorAssert.Close(expect, dst, 1e-3f, 1e-4f, $"[{h},{w}]->[{oh},{ow}]");
        }
    }

    [Fact]
    public void ErasingFillsOneRectangleInRange()
    {
        var t = new RandomErasing(1f, 0.1f, 0.2f, 0.5f, 2f, value: -7);
        var g = new Generator(5);
        for (int trial = 0; trial < 50; trial++)
        {
            var y = Run(t, Iota(2 * 10 * 10).Select(v => v + 1).ToArray(), 2, 10, 10, g);
            int erased = y.Count(v => v == -7);
            Assert.InRange(erased, 2 * 6, 2 * 24);        // area 10..20 per channel, rounded sides
            Assert.Equal(erased / 2, y.Take(100).Count(v => v == -7));
            // The erased pixels of a channel form a rectangle.
            var ys = Enumerable.Range(0, 100).Where(i => y[i] == -7).ToArray();
            int r0 = ys.Min() / 10, r1 = ys.Max() / 10, c0 = ys.Min(i => i % 10), c1 = ys.Max(i => i % 10);
            Assert.Equal((r1 - r0 + 1) * (c1 - c0 + 1), ys.Length);
        }
        var src = Iota(50);
        TensorAssert.Close(src, Run(new RandomErasing(0f), src, 2, 5, 5), 0, 0, "");
    }

    [Fact]
    public void GreyAndRgb()
    {
        var rgb = new float[] { 1, 0, 0, 1, 0, 0 };  // 3 channels of 1x2: (1,0,0) and (0,1,0)
        TensorAssert.Close([0.299f, 0.587f], Run(new ToGrey(), rgb, 3, 1, 2), 1e-6f, 0, "");
        TensorAssert.Close([0.2f, 0.4f, 0.2f, 0.4f, 0.2f, 0.4f], Run(new ToRgb(), [0.2f, 0.4f], 1, 1, 2), 0, 0, "");
        TensorAssert.Close([0.2f, 0.4f], Run(new ToGrey(), [0.2f, 0.4f], 1, 1, 2), 0, 0, "");
        Assert.Throws<ShapeMismatchException>(() => new ToGrey().OutputShape(2, 4, 4));
    }

    [Fact]
    public void TensorApplyAndShapeErrors()
    {
        var y = new Resize(4, 6).Apply(Tensor.Ones(3, 2, 2));
        Assert.Equal(new[] { 3, 4, 6 }, (int[])y.Shape);
        Assert.Equal(new[] { 1, 2, 2 }, (int[])new ToGrey().Apply(Tensor.Ones(2, 2)).Shape);
        Assert.Throws<ShapeMismatchException>(() => new RandomCrop(5).OutputShape(1, 4, 4));
        Assert.Throws<ShapeMismatchException>(() => new Resize(2).Apply(Tensor.Ones(4)));
    }
}
