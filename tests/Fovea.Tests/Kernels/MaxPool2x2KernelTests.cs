using Fovea.Kernels;
using Fovea.Tests.Reference;

namespace Fovea.Tests.Kernels;

public class MaxPool2x2KernelTests
{
    // Odd and even sizes (odd rows/columns are dropped in floor mode), widths that leave every SIMD tail.
    public static TheoryData<int, int, int> Sizes() => new()
    {
        { 1, 2, 2 }, { 3, 5, 7 }, { 2, 28, 28 }, { 4, 14, 14 }, { 1, 9, 17 }, { 5, 3, 33 }, { 2, 8, 2 }, { 1, 1, 6 }, { 1, 6, 1 }, { 2, 6, 41 },
    };

    [Theory]
    [MemberData(nameof(Sizes))]
    public void ForwardAndBackwardMatchNaiveReference(int planes, int h, int w)
    {
        foreach (bool ties in new[] { false, true })
        {
            var gen = new Generator(planes * 1000 + h * 31 + w);
            // Small integers make ties common: the first maximum in row-major window order must win.
            var x = ties ? Tensor.RandInt(gen, -2, 3, planes * h * w).ToArray() : Tensor.Randn(gen, planes * h * w).ToArray();
            int oh = h / 2, ow = w / 2;
            var (yRef, idx) = PoolReference.MaxPool(x, planes, [1, h, w], [1, oh, ow], [1, 2, 2], [1, 2, 2], [0, 0, 0], [1, 1, 1]);
            var y = new float[planes * oh * ow];
            MaxPool2x2Kernel.Forward(x, y, planes, h, w);
            for (int i = 0; i < y.Length; i++) Assert.Equal((float)yRef[i], y[i]);

            var g = Tensor.Randn(gen, Math.Max(y.Length, 1)).ToArray()[..y.Length];
            var gxRef = new double[x.Length];
            for (int p = 0; p < planes; p++)
                for (int o = 0; o < oh * ow; o++) gxRef[p * h * w + idx[p * oh * ow + o]] += g[p * oh * ow + o];
            var gx = new float[x.Length];
            Array.Fill(gx, 123f); // every element must be written
            MaxPool2x2Kernel.Backward(x, y, g, gx, planes, h, w);
            for (int i = 0; i < gx.Length; i++) Assert.True(gxRef[i] == gx[i], $"ties={ties} i={i}: expected {gxRef[i]}, got {gx[i]}");
        }
    }

    // NaN and infinities route the gradient exactly like the general index-based kernel (the last NaN wins).
    [Fact]
    public void SpecialValuesMatchGeneralKernel()
    {
        const int planes = 3, h = 6, w = 10;
        var gen = new Generator(7);
        var x = Tensor.Randn(gen, planes * h * w).ToArray();
        float[] specials = [float.NaN, float.PositiveInfinity, float.NegativeInfinity, 0f, -0f];
        for (int i = 0; i < x.Length; i += 3) x[i] = specials[(i / 3) % specials.Length];
        x[0] = x[1] = x[w] = x[w + 1] = float.NegativeInfinity; // a window of only -inf
        x[2] = float.NaN; x[w + 3] = float.NaN;                   // two NaNs in one window
        var geo = new PoolGeometry(1, h, w, 1, h / 2, w / 2, 1, 2, 2, 1, 2, 2, 0, 0, 0);
        int outN = planes * geo.OutPlane;
        var yRef = new float[outN];
        var idx = new int[outN];
        MaxPoolKernel.Forward(x, yRef, idx, planes, geo);
        var y = new float[outN];
        MaxPool2x2Kernel.Forward(x, y, planes, h, w);
        for (int i = 0; i < outN; i++)
            Assert.True(yRef[i].Equals(y[i]) || (yRef[i] == 0 && y[i] == 0), $"y[{i}]: expected {yRef[i]}, got {y[i]}");
        var g = Tensor.Randn(gen, outN).ToArray();
        var gxRef = new float[x.Length];
        MaxPoolKernel.Backward(g, idx, gxRef, planes, geo.InPlane, geo.OutPlane);
        var gx = new float[x.Length];
        MaxPool2x2Kernel.Backward(x, y, g, gx, planes, h, w);
        Assert.Equal(gxRef, gx);
    }
}
