using Fovea.Kernels;

namespace Fovea;

public static partial class Ops
{
    /// <summary>
    /// N-d cross-correlation (N = 1, 2, 3 spatial axes, taken from <c>w.Rank - 2</c>), like PyTorch's <c>convNd</c>:
    /// x [N, C, *in], w [Cout, C/groups, *k], b [Cout] or null → y [N, Cout, *out] with
    /// y[n, o, p] = b[o] + Σ_{c,k} w[o, c, k] · x[n, g·C/groups + c, p·stride − padBegin + k·dilation] (zero outside).
    /// <paramref name="stride"/> and <paramref name="dilation"/> take 1 or N entries; <paramref name="padding"/> 1, N
    /// (symmetric) or 2N entries in ONNX order [x1_begin, x2_begin, ..., x1_end, x2_end].
    /// d/dx = Wᵀ·dY folded back (col2im), d/dW = Σ_n dY·colᵀ, d/db = Σ of dY over batch and positions.
    /// </summary>
    public static Tensor Conv(Tensor x, Tensor w, Tensor? b, int[] stride, int[] padding, int[] dilation, int groups)
    {
        string op = ConvArgs.Name("Conv", w.Rank);
        var (geo, outShape) = ConvArgs.Conv(op, x.Shape, w.Shape, b?.Shape, stride, padding, dilation, groups);
        Tensor xc = ConvArgs.Dense(x), wc = ConvArgs.Dense(w);
        Tensor? bc = b is null ? null : ConvArgs.Dense(b);
        var y = ConvArgs.Output(outShape);
        ConvKernel.Forward(xc.Span, wc.Span, bc is null ? default : bc.Span, y.Span, geo);
        return Tape.Record(y, op, [x, w, b], g =>
        {
            var gc = ConvArgs.Dense(g);
            Tensor? dx = null, dw = null, db = null;
            if (x.RequiresGrad)
            {
                dx = GradPool.Rent(x.Shape);      // recycled by the engine; the kernel writes every element
                ConvKernel.BackwardInput(gc.Span, wc.Span, dx.Span, geo);
            }
            if (w.RequiresGrad)
            {
                dw = ConvArgs.Output(w.Shape);
                ConvKernel.BackwardWeight(gc.Span, xc.Span, dw.Span, geo);
            }
            if (b is not null && b.RequiresGrad)
            {
                db = ConvArgs.Output(b.Shape);
                ConvKernel.BackwardBias(gc.Span, db.Span, geo.Batch, geo.OutChannels, geo.OutSpatial);
            }
            return [dx, dw, db];
        });
    }

    /// <summary>
    /// <see cref="Conv"/> followed by <paramref name="act"/>, fused into the kernel's store when nothing is recorded
    /// (under <see cref="Autograd.NoGrad"/>): the inference plan of <see cref="NN.Sequential"/> uses it for Conv + ReLU.
    /// With <paramref name="maxPool2x2"/> (2-D only) a floor-mode 2x2 stride-2 max pool follows, applied to each
    /// sample's convolution output while it is in cache (<see cref="ConvKernel.ForwardMaxPool2x2"/>); the full-size
    /// output is never allocated. With autograd on these are the
    /// recorded ops one after the other.
    /// </summary>
    internal static Tensor ConvFused(Tensor x, Tensor w, Tensor? b, int[] stride, int[] padding, int[] dilation, int groups, GemmActivation act, bool maxPool2x2 = false)
    {
        if (maxPool2x2 && w.Rank != 4) throw new ArgumentException($"ConvFused: the fused 2x2 max pool needs a 2-D convolution, got weight {w.Shape}.");
        if (Autograd.IsEnabled || (act == GemmActivation.None && !maxPool2x2))
        {
            var c = Conv(x, w, b, stride, padding, dilation, groups);
            if (act == GemmActivation.Relu) c = Relu(c);
            return maxPool2x2 ? MaxPool2d(c, 2) : c;
        }
        string op = ConvArgs.Name("Conv", w.Rank);
        var (geo, outShape) = ConvArgs.Conv(op, x.Shape, w.Shape, b?.Shape, stride, padding, dilation, groups);
        Tensor xc = ConvArgs.Dense(x), wc = ConvArgs.Dense(w);
        Tensor? bc = b is null ? null : ConvArgs.Dense(b);
        if (!maxPool2x2)
        {
            var y = ConvArgs.Output(outShape);
            ConvKernel.Forward(xc.Span, wc.Span, bc is null ? default : bc.Span, y.Span, geo, act);
            return y;
        }
        int n = outShape[0], ch = outShape[1], h = outShape[2], wd = outShape[3];
        if (h < 2 || wd < 2) return MaxPool2d(ConvFused(x, w, b, stride, padding, dilation, groups, act), 2);   // MaxPool's own error
        var pooled = ConvArgs.Output(new Shape(n, ch, h / 2, wd / 2));
        ConvKernel.ForwardMaxPool2x2(xc.Span, wc.Span, bc is null ? default : bc.Span, pooled.Span, geo, act);
        return pooled;
    }

    /// <summary>1-D convolution: x [N, C, L], w [Cout, C/groups, k]. See <see cref="Conv"/>.</summary>
    public static Tensor Conv1d(Tensor x, Tensor w, Tensor? b = null, int stride = 1, int padding = 0, int dilation = 1, int groups = 1)
        => ConvN("Conv1d", 1, x, w, b, stride, padding, dilation, groups);

    /// <summary>2-D convolution: x [N, C, H, W], w [Cout, C/groups, kH, kW]. See <see cref="Conv"/>.</summary>
    public static Tensor Conv2d(Tensor x, Tensor w, Tensor? b = null, int stride = 1, int padding = 0, int dilation = 1, int groups = 1)
        => ConvN("Conv2d", 2, x, w, b, stride, padding, dilation, groups);

    /// <summary>3-D convolution: x [N, C, D, H, W], w [Cout, C/groups, kD, kH, kW]. See <see cref="Conv"/>.</summary>
    public static Tensor Conv3d(Tensor x, Tensor w, Tensor? b = null, int stride = 1, int padding = 0, int dilation = 1, int groups = 1)
        => ConvN("Conv3d", 3, x, w, b, stride, padding, dilation, groups);

    static Tensor ConvN(string op, int n, Tensor x, Tensor w, Tensor? b, int stride, int padding, int dilation, int groups)
    {
        ConvArgs.ExpectSpatial(op, w.Shape, n, "Cout,Cin/groups");
        return Conv(x, w, b, ConvArgs.Fill(n, stride), ConvArgs.Fill(n, padding), ConvArgs.Fill(n, dilation), groups);
    }

    /// <summary>
    /// The 2N padding (ONNX order: begins, then ends) that keeps the size at stride 1, like PyTorch's
    /// <c>padding="same"</c>: total dilation·(k−1) per axis, the odd extra on the end (ONNX SAME_UPPER), or on the
    /// begin with <paramref name="lower"/> (SAME_LOWER).
    /// </summary>
    public static int[] ConvSamePadding(int[] kernel, int[]? dilation = null, bool lower = false)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        int n = kernel.Length;
        if (dilation is not null && dilation.Length != n)
            throw new ArgumentException($"ConvSamePadding: dilation {Shape.Format(dilation)} needs {n} entries for kernel {Shape.Format(kernel)}.", nameof(dilation));
        var p = new int[2 * n];
        for (int i = 0; i < n; i++)
        {
            int d = dilation?[i] ?? 1;
            if (kernel[i] < 1 || d < 1) throw new ArgumentException($"ConvSamePadding: kernel {Shape.Format(kernel)} and dilation must be positive.", nameof(kernel));
            int total = d * (kernel[i] - 1), small = total / 2;
            p[i] = lower ? total - small : small;
            p[n + i] = total - p[i];
        }
        return p;
    }
}

public partial class Tensor
{
    public Tensor Conv1d(Tensor w, Tensor? b = null, int stride = 1, int padding = 0, int dilation = 1, int groups = 1)
        => Ops.Conv1d(this, w, b, stride, padding, dilation, groups);
    public Tensor Conv2d(Tensor w, Tensor? b = null, int stride = 1, int padding = 0, int dilation = 1, int groups = 1)
        => Ops.Conv2d(this, w, b, stride, padding, dilation, groups);
    public Tensor Conv3d(Tensor w, Tensor? b = null, int stride = 1, int padding = 0, int dilation = 1, int groups = 1)
        => Ops.Conv3d(this, w, b, stride, padding, dilation, groups);
}
