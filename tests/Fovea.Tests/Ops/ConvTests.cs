using Fovea.Tests.Kernels;
using Fovea.Tests.Reference;

namespace Fovea.Tests.OpTests;

public class ConvTests
{
    static Tensor T(float[] data, int[] shape, bool grad = true)
    {
        var t = Tensor.FromArray(data, shape);
        return grad ? t.RequiresGrad_() : t;
    }

    static float MaxAbs(Tensor t)
    {
        float m = 0;
        foreach (float v in t.ToArray()) m = Math.Max(m, Math.Abs(v));
        return m;
    }

    // "rel err < 1e-4": each element within 1e-4 of the expected value, relative to it or to the tensor's scale.
    static void CloseRel(Tensor expected, Tensor actual, string what)
    {
        Assert.True(expected.Shape == actual.Shape, $"{what}: shape {actual.Shape}, expected {expected.Shape}");
        TensorAssert.Close(expected.ToArray(), actual.ToArray(), 1e-4f * Math.Max(MaxAbs(expected), 1e-3f), 1e-4f, what + " " + actual.Shape);
    }

    [Fact]
    public void RandomConvolutionsMatchNaiveForwardAndBackward()
    {
        var cases = ConvCase.Random(23, 90);
        for (int i = 0; i < cases.Count; i++)
        {
            var c = cases[i];
            var r = new Random(i);
            var xa = ConvCase.Randn(r, ConvCase.Numel(c.XShape));
            var wa = ConvCase.Randn(r, ConvCase.Numel(c.WShape));
            var ba = ConvCase.Randn(r, c.WShape[0]);
            var dya = ConvCase.Randn(r, ConvCase.Numel(c.YShape));
            Tensor x = T(xa, c.XShape), w = T(wa, c.WShape), b = T(ba, [c.WShape[0]]);
            var y = Fovea.Ops.Conv(x, w, b, c.Stride, c.Padding, c.Dilation, c.Groups);
            Assert.Equal($"Conv{c.Spatial}d", y.GradFnName);
            var ey = NaiveConv.Conv(xa, c.XShape, wa, c.WShape, ba, c.Stride, c.PadBegin, c.PadEnd, c.Dilation, c.Groups, out var ys);
            Assert.Equal(ys, y.Shape.ToArray());
            TensorAssert.Close(NaiveConv.ToFloat(ey), y.ToArray(), 1e-4f, 1e-4f, "y " + c);
            y.Backward(Tensor.FromArray(dya, ys));
            var g = NaiveConv.ConvBackward(xa, c.XShape, wa, c.WShape, true, dya, ys, c.Stride, c.PadBegin, c.Dilation, c.Groups);
            TensorAssert.Close(NaiveConv.ToFloat(g.Dx), x.Grad!.ToArray(), 1e-4f, 1e-4f, "dx " + c);
            TensorAssert.Close(NaiveConv.ToFloat(g.Dw), w.Grad!.ToArray(), 2e-4f, 1e-4f, "dw " + c);
            TensorAssert.Close(NaiveConv.ToFloat(g.Db!), b.Grad!.ToArray(), 1e-4f, 1e-4f, "db " + c);
        }
    }

    [Fact]
    public void RandomTransposedConvolutionsMatchNaiveForwardAndBackward()
    {
        var cases = ConvCase.Random(29, 90);
        int checkedCases = 0;
        for (int i = 0; i < cases.Count; i++)
        {
            // The transposed convolution of a conv case's output shape with the same weight array.
            var c = cases[i];
            var r = new Random(1000 + i);
            int n = c.Spatial;
            var op = new int[n];
            for (int a = 0; a < n; a++) op[a] = r.Next(Math.Max(c.Stride[a], c.Dilation[a]));
            var xs = c.YShape;
            var ys = NaiveConv.TransposeOut(xs, c.WShape, c.Stride, c.PadBegin, c.PadEnd, op, c.Dilation, c.Groups);
            if (ys[2..].Any(v => v <= 0)) continue;
            checkedCases++;
            var xa = ConvCase.Randn(r, ConvCase.Numel(xs));
            var wa = ConvCase.Randn(r, ConvCase.Numel(c.WShape));
            var ba = ConvCase.Randn(r, ys[1]);
            var dya = ConvCase.Randn(r, ConvCase.Numel(ys));
            Tensor x = T(xa, xs), w = T(wa, c.WShape), b = T(ba, [ys[1]]);
            var y = Fovea.Ops.ConvTranspose(x, w, b, c.Stride, c.Padding, op, c.Dilation, c.Groups);
            Assert.Equal($"ConvTranspose{n}d", y.GradFnName);
            var ey = NaiveConv.Transpose(xa, xs, wa, c.WShape, ba, c.Stride, c.PadBegin, c.PadEnd, op, c.Dilation, c.Groups, out _);
            Assert.Equal(ys, y.Shape.ToArray());
            string at = $"{c} op {Shape.Format(op)}";
            TensorAssert.Close(NaiveConv.ToFloat(ey), y.ToArray(), 1e-4f, 1e-4f, "y " + at);
            y.Backward(Tensor.FromArray(dya, ys));
            var g = NaiveConv.TransposeBackward(xa, xs, wa, c.WShape, true, dya, ys, c.Stride, c.PadBegin, c.Dilation, c.Groups);
            TensorAssert.Close(NaiveConv.ToFloat(g.Dx), x.Grad!.ToArray(), 1e-4f, 1e-4f, "dx " + at);
            TensorAssert.Close(NaiveConv.ToFloat(g.Dw), w.Grad!.ToArray(), 2e-4f, 1e-4f, "dw " + at);
            TensorAssert.Close(NaiveConv.ToFloat(g.Db!), b.Grad!.ToArray(), 1e-4f, 1e-4f, "db " + at);
        }
        Assert.True(checkedCases > 60, $"only {checkedCases} transposed cases had a positive output size");
    }

    [Fact]
    public void MatchesPyTorchGoldenValues()
    {
        var cases = ConvGolden.Load();
        Assert.True(cases.Count >= 40, $"{cases.Count} golden cases");
        foreach (var c in cases)
        {
            Tensor x = c.X.Clone().RequiresGrad_(), w = c.W.Clone().RequiresGrad_();
            Tensor? b = c.HasBias ? c.B.Clone().RequiresGrad_() : null;
            int[] pad = c.PadBegin.AsSpan().SequenceEqual(c.PadEnd) ? c.PadBegin : [.. c.PadBegin, .. c.PadEnd];
            if (c.Name.Contains("same"))
                Assert.Equal([.. c.PadBegin, .. c.PadEnd], Fovea.Ops.ConvSamePadding(c.W.Shape.ToArray()[2..], c.Dilation));
            var y = c.Transposed
                ? Fovea.Ops.ConvTranspose(x, w, b, c.Stride, pad, c.OutputPadding, c.Dilation, c.Groups)
                : Fovea.Ops.Conv(x, w, b, c.Stride, pad, c.Dilation, c.Groups);
            CloseRel(c.Y, y, c.Name + " y");
            y.Backward(c.Dy);
            CloseRel(c.Dx, x.Grad!, c.Name + " dx");
            CloseRel(c.Dw, w.Grad!, c.Name + " dw");
            if (b != null) CloseRel(c.Db, b.Grad!, c.Name + " db");
        }
    }

    // Gradient checks: d(sum(conv(x,w,b)·r))/dx = convᵀ(r, w), /dw = Σ r·col(x)ᵀ, /db = Σ r.
    [Fact]
    public void Conv1dPassesGradCheck()
    {
        var g = new Generator(1);
        TensorAssert.GradOk(t => Fovea.Ops.Conv(t[0], t[1], t[2], [2], [1, 2], [2], 2),
            Tensor.Randn(g, 2, 4, 9).RequiresGrad_(), Tensor.Randn(g, 4, 2, 3).RequiresGrad_(), Tensor.Randn(g, 4).RequiresGrad_());
    }

    [Fact]
    public void Conv2dPassesGradCheck()
    {
        var g = new Generator(2);
        TensorAssert.GradOk(t => t[0].Conv2d(t[1], t[2], stride: 2, padding: 1),
            Tensor.Randn(g, 2, 3, 6, 7).RequiresGrad_(), Tensor.Randn(g, 4, 3, 3, 3).RequiresGrad_(), Tensor.Randn(g, 4).RequiresGrad_());
        TensorAssert.GradOk(t => Fovea.Ops.Conv2d(t[0], t[1], t[2], padding: 1, groups: 3),
            Tensor.Randn(g, 2, 3, 5, 6).RequiresGrad_(), Tensor.Randn(g, 3, 1, 3, 3).RequiresGrad_(), Tensor.Randn(g, 3).RequiresGrad_());
        TensorAssert.GradOk(t => Fovea.Ops.Conv(t[0], t[1], null, [1, 2], [0, 1, 2, 0], [2, 1], 1),
            Tensor.Randn(g, 1, 2, 6, 7).RequiresGrad_(), Tensor.Randn(g, 3, 2, 2, 3).RequiresGrad_());
    }

    [Fact]
    public void Conv3dPassesGradCheck()
    {
        var g = new Generator(3);
        TensorAssert.GradOk(t => t[0].Conv3d(t[1], t[2], padding: 1, stride: 2),
            Tensor.Randn(g, 1, 2, 4, 5, 4).RequiresGrad_(), Tensor.Randn(g, 2, 2, 3, 2, 3).RequiresGrad_(), Tensor.Randn(g, 2).RequiresGrad_());
    }

    [Fact]
    public void ConvTransposePassesGradCheck()
    {
        var g = new Generator(4);
        TensorAssert.GradOk(t => Fovea.Ops.ConvTranspose1d(t[0], t[1], t[2], stride: 2, padding: 1, outputPadding: 1, groups: 2),
            Tensor.Randn(g, 2, 4, 5).RequiresGrad_(), Tensor.Randn(g, 4, 3, 3).RequiresGrad_(), Tensor.Randn(g, 6).RequiresGrad_());
        TensorAssert.GradOk(t => t[0].ConvTranspose2d(t[1], t[2], stride: 2, padding: 1, outputPadding: 1),
            Tensor.Randn(g, 2, 3, 4, 3).RequiresGrad_(), Tensor.Randn(g, 3, 2, 3, 3).RequiresGrad_(), Tensor.Randn(g, 2).RequiresGrad_());
        TensorAssert.GradOk(t => Fovea.Ops.ConvTranspose2d(t[0], t[1], null, groups: 3, padding: 1),
            Tensor.Randn(g, 1, 3, 5, 4).RequiresGrad_(), Tensor.Randn(g, 3, 1, 3, 3).RequiresGrad_());
        TensorAssert.GradOk(t => Fovea.Ops.ConvTranspose3d(t[0], t[1], t[2], stride: 2, dilation: 2),
            Tensor.Randn(g, 1, 2, 2, 3, 2).RequiresGrad_(), Tensor.Randn(g, 2, 2, 2, 2, 2).RequiresGrad_(), Tensor.Randn(g, 2).RequiresGrad_());
    }

    [Fact]
    public void SamePaddingKeepsTheSize()
    {
        Assert.Equal([1, 1, 1, 2], Fovea.Ops.ConvSamePadding([3, 4], [1, 1]));   // odd extra at the end, like PyTorch
        Assert.Equal([1, 2, 1, 1], Fovea.Ops.ConvSamePadding([3, 4], [1, 1], lower: true));
        Assert.Equal([3, 3], Fovea.Ops.ConvSamePadding([4], [2]));
        var g = new Generator(5);
        var x = Tensor.Randn(g, 1, 2, 7, 8);
        var y = Fovea.Ops.Conv(x, Tensor.Randn(g, 3, 2, 4, 2), null, [1, 1], Fovea.Ops.ConvSamePadding([4, 2], [1, 3]), [1, 3], 1);
        Assert.Equal([1, 3, 7, 8], y.Shape.ToArray());
    }

    [Fact]
    public void StridedViewsAndNoGradWork()
    {
        var g = new Generator(6);
        var xc = Tensor.Randn(g, 2, 3, 5, 6);
        var xv = Tensor.Randn(g, 2, 5, 6, 3).Permute(0, 3, 1, 2);       // a non-contiguous NCHW view
        var w = Tensor.Randn(g, 4, 3, 3, 3);
        TensorAssert.Close(xv.Contiguous().Conv2d(w, padding: 1), xv.Conv2d(w, padding: 1));
        var y = xc.Conv2d(w);
        Assert.Null(y.GradFnName);
        Assert.False(y.RequiresGrad);
    }

    [Fact]
    public void BadArgumentsGiveClearErrors()
    {
        var e = Assert.Throws<ShapeMismatchException>(() => Fovea.Ops.Conv2d(Tensor.Zeros(8, 3, 28, 28), Tensor.Zeros(64, 32, 3, 3)));
        Assert.Equal("Conv2d: input [8,3,28,28] has 3 channels, expected 32 (weight [64,32,3,3], groups 1).", e.Message);

        e = Assert.Throws<ShapeMismatchException>(() => Fovea.Ops.Conv2d(Tensor.Zeros(3, 28, 28), Tensor.Zeros(8, 3, 3, 3)));
        Assert.Contains("input [3,28,28] has 3 axes, expected 4 [N,C,H,W]", e.Message);
        e = Assert.Throws<ShapeMismatchException>(() => Fovea.Ops.Conv2d(Tensor.Zeros(1, 3, 28), Tensor.Zeros(8, 3, 3)));
        Assert.StartsWith("Conv2d: weight [8,3,3] must be 4-D", e.Message);
        e = Assert.Throws<ShapeMismatchException>(() => Fovea.Ops.Conv(Tensor.Zeros(1, 3), Tensor.Zeros(8, 3), null, [1], [0], [1], 1));
        Assert.Contains("weight [8,3] must have 3 to 5 axes", e.Message);

        var a = Assert.Throws<ArgumentException>(() => Fovea.Ops.Conv2d(Tensor.Zeros(1, 6, 5, 5), Tensor.Zeros(8, 3, 3, 3), groups: 3));
        Assert.Contains("Conv2d: groups 3 must divide the output channels 8", a.Message);
        e = Assert.Throws<ShapeMismatchException>(() => Fovea.Ops.Conv2d(Tensor.Zeros(1, 6, 5, 5), Tensor.Zeros(8, 2, 3, 3), groups: 2));
        Assert.Contains("has 6 channels, expected 4 (weight [8,2,3,3], groups 2)", e.Message);

        e = Assert.Throws<ShapeMismatchException>(() => Fovea.Ops.Conv2d(Tensor.Zeros(1, 3, 4, 4), Tensor.Zeros(8, 3, 5, 5)));
        Assert.Contains("Conv2d: input [1,3,4,4] gives output size 0 on spatial axis 0", e.Message);
        e = Assert.Throws<ShapeMismatchException>(() => Fovea.Ops.Conv1d(Tensor.Zeros(1, 3, 4), Tensor.Zeros(8, 3, 3), Tensor.Zeros(3)));
        Assert.Contains("Conv1d: bias [3] must have shape [8]", e.Message);

        a = Assert.Throws<ArgumentException>(() => Fovea.Ops.Conv2d(Tensor.Zeros(1, 3, 4, 4), Tensor.Zeros(8, 3, 3, 3), stride: 0));
        Assert.Contains("Conv2d: stride [0,0] must be positive", a.Message);
        a = Assert.Throws<ArgumentException>(() => Fovea.Ops.Conv(Tensor.Zeros(1, 3, 4, 4), Tensor.Zeros(8, 3, 3, 3), null, [1, 1], [1, 1, 1], [1, 1], 1));
        Assert.Contains("Conv2d: padding [1,1,1] needs 1 or 2 or 4 entries for 2 spatial axes (4: begins, then ends).", a.Message);

        a = Assert.Throws<ArgumentException>(() => Fovea.Ops.ConvTranspose2d(Tensor.Zeros(1, 3, 4, 4), Tensor.Zeros(3, 2, 3, 3), stride: 2, outputPadding: 2));
        Assert.Contains("ConvTranspose2d: outputPadding [2,2] must be smaller than the stride 2 or the dilation 1", a.Message);
        e = Assert.Throws<ShapeMismatchException>(() => Fovea.Ops.ConvTranspose2d(Tensor.Zeros(1, 4, 4, 4), Tensor.Zeros(3, 2, 3, 3)));
        Assert.Contains("ConvTranspose2d: input [1,4,4,4] has 4 channels, expected 3", e.Message);
        a = Assert.Throws<ArgumentException>(() => Fovea.Ops.ConvTranspose2d(Tensor.Zeros(1, 3, 4, 4), Tensor.Zeros(3, 2, 3, 3), groups: 2));
        Assert.Contains("ConvTranspose2d: groups 2 must divide the input channels 3", a.Message);
        e = Assert.Throws<ShapeMismatchException>(() => Fovea.Ops.ConvTranspose2d(Tensor.Zeros(1, 3, 1, 1), Tensor.Zeros(3, 2, 1, 1), padding: 1));
        Assert.Contains("ConvTranspose2d: input [1,3,1,1] gives output size -1 on spatial axis 0", e.Message);
    }
}
