namespace Fovea.Tests.OpTests;

/// <summary>
/// Max pooling without a gradient takes the values-only kernel (MaxPoolKernel.ForwardValues); it must give exactly the
/// values of the recording path (the indexed kernel) over random 1-D/2-D geometries: sizes 1..67, windows 1..4,
/// strides 1..3, padding, dilation, ceil mode, with NaN and -inf in the input.
/// </summary>
public class MaxPoolInferenceTests
{
    [Fact]
    public void ValuesMatchTheRecordingPath()
    {
        var r = new Random(11);
        for (int trial = 0; trial < 300; trial++)
        {
            bool oneD = trial % 5 == 0;
            int k = r.Next(1, 5), s = r.Next(1, 4), d = r.Next(1, 3), pad = r.Next(0, k / 2 + 1);
            bool ceil = r.Next(2) == 1;
            int h = oneD ? 1 : r.Next(1, 68), w = r.Next(1, 68);
            if ((oneD ? 1 : h + 2 * pad) < d * (k - 1) + 1 || w + 2 * pad < d * (k - 1) + 1) continue;
            int n = r.Next(1, 3), c = r.Next(1, 4);
            var data = new float[n * c * h * w];
            for (int i = 0; i < data.Length; i++)
            {
                double u = r.NextDouble();
                data[i] = u < 0.01 ? float.NaN : u < 0.02 ? float.NegativeInfinity : (float)(r.NextDouble() * 2 - 1);
            }
            int[] shape = oneD ? [n, c, w] : [n, c, h, w];
            int[] kernel = oneD ? [k] : [k, k], stride = oneD ? [s] : [s, s], padding = oneD ? [pad] : [pad, pad], dilation = oneD ? [d] : [d, d];
            Tensor inference;
            using (Autograd.NoGrad()) inference = Ops.MaxPool(Tensor.FromArray(data, shape), kernel, stride, padding, dilation, ceil);
            var recorded = Ops.MaxPool(Tensor.FromArray((float[])data.Clone(), shape).RequiresGrad_(), kernel, stride, padding, dilation, ceil);
            Assert.Equal(recorded.Shape, inference.Shape);
            float[] a = inference.ToArray(), b = recorded.ToArray();
            for (int i = 0; i < a.Length; i++)
                Assert.True(a[i].Equals(b[i]), $"trial {trial} ({string.Join('x', shape)}, k {k} s {s} p {pad} d {d} ceil {ceil}): [{i}] {a[i]} vs {b[i]}");
        }
    }
}
