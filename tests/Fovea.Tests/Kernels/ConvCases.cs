using Fovea.Kernels;

namespace Fovea.Tests.Kernels;

/// <summary>One convolution configuration for the tests: shapes, begin/end padding, stride, dilation, groups.</summary>
public sealed record ConvCase(int[] XShape, int[] WShape, int[] Stride, int[] PadBegin, int[] PadEnd, int[] Dilation, int Groups)
{
    public int Spatial => WShape.Length - 2;
    public int[] YShape => Reference.NaiveConv.ConvOut(XShape, WShape, Stride, PadBegin, PadEnd, Dilation);
    /// <summary>The Ops padding argument: N entries when symmetric, else 2N (begins, then ends).</summary>
    public int[] Padding => PadBegin.AsSpan().SequenceEqual(PadEnd) ? PadBegin : [.. PadBegin, .. PadEnd];

    public ConvGeometry Geometry() => new(XShape[0], XShape[1], WShape[0], Groups, XShape[2..], YShape[2..], WShape[2..], Stride, PadBegin, Dilation);

    public override string ToString() =>
        $"x {Shape.Format(XShape)} w {Shape.Format(WShape)} s {Shape.Format(Stride)} p {Shape.Format(PadBegin)}/{Shape.Format(PadEnd)} d {Shape.Format(Dilation)} g {Groups}";

    /// <summary>
    /// Random configurations over 1-3 spatial axes: strides 1-3, dilations 1-3, symmetric and asymmetric padding,
    /// groups (including depthwise), batch 1 or 3, odd sizes, kernels larger than the stride.
    /// </summary>
    public static List<ConvCase> Random(int seed, int count)
    {
        var r = new Random(seed);
        var list = new List<ConvCase>();
        for (int t = 0; t < count; t++)
        {
            int n = 1 + t % 3;
            int batch = r.Next(2) == 0 ? 1 : 3;
            int groups, cg, og;
            switch (r.Next(4))
            {
                case 0: groups = 1 + r.Next(4); cg = 1; og = 1; break;          // depthwise
                case 1: groups = 2 + r.Next(2); cg = 1 + r.Next(3); og = 1 + r.Next(3); break;
                default: groups = 1; cg = 1 + r.Next(5); og = 1 + r.Next(5); break;
            }
            bool pointwise = r.Next(8) == 0;
            var k = new int[n]; var s = new int[n]; var d = new int[n]; var pb = new int[n]; var pe = new int[n]; var ins = new int[n];
            bool asym = r.Next(3) == 0;
            int maxIn = n == 3 ? 6 : n == 2 ? 10 : 17;
            for (int i = 0; i < n; i++)
            {
                k[i] = pointwise ? 1 : 1 + r.Next(n == 3 ? 3 : 4);
                s[i] = pointwise ? 1 : 1 + r.Next(3);
                d[i] = pointwise ? 1 : 1 + r.Next(3);
                pb[i] = pointwise ? 0 : r.Next(3);
                pe[i] = asym ? r.Next(3) : pb[i];
                int need = d[i] * (k[i] - 1) + 1 - pb[i] - pe[i];
                ins[i] = Math.Max(Math.Max(need, 1), 1 + r.Next(maxIn));
            }
            list.Add(new ConvCase([batch, cg * groups, .. ins], [og * groups, cg, .. k], s, pb, pe, d, groups));
        }
        return list;
    }

    /// <summary>A case with the same settings on every axis and symmetric padding.</summary>
    public static ConvCase Square(int batch, int cin, int cout, int size, int k, int stride, int pad, int dil, int groups, int n = 2)
    {
        int[] F(int v) { var a = new int[n]; Array.Fill(a, v); return a; }
        return new ConvCase([batch, cin, .. F(size)], [cout, cin / groups, .. F(k)], F(stride), F(pad), F(pad), F(dil), groups);
    }

    public static float[] Randn(Random r, int count)
    {
        var a = new float[count];
        for (int i = 0; i < count; i++)
            a[i] = (float)(Math.Sqrt(-2 * Math.Log(1 - r.NextDouble())) * Math.Cos(2 * Math.PI * r.NextDouble()));
        return a;
    }

    public static int Numel(int[] shape)
    {
        int p = 1;
        foreach (int v in shape) p *= v;
        return p;
    }
}
