using Fovea.Kernels;

namespace Fovea;

public static partial class Ops
{
    /// <summary>
    /// N-d transposed convolution (N = 1, 2, 3), PyTorch's <c>conv_transposeNd</c>: x [N, Cin, *in],
    /// w [Cin, Cout/groups, *k], b [Cout] or null → y [N, Cout, *out], out = (in−1)·stride − padBegin − padEnd +
    /// dilation·(k−1) + outputPadding + 1. It is the input gradient of the convolution with the same weight, so it runs
    /// that kernel; its gradients are that convolution's forward (d/dx) and weight gradient (d/dW), d/db = Σ dY.
    /// <paramref name="padding"/> takes 1, N or 2N (ONNX order: begins, then ends) entries.
    /// </summary>
    public static Tensor ConvTranspose(Tensor x, Tensor w, Tensor? b, int[] stride, int[] padding, int[] outputPadding, int[] dilation, int groups)
    {
        string op = ConvArgs.Name("ConvTranspose", w.Rank);
        var (geo, outShape) = ConvArgs.Transpose(op, x.Shape, w.Shape, b?.Shape, stride, padding, outputPadding, dilation, groups);
        Tensor xc = ConvArgs.Dense(x), wc = ConvArgs.Dense(w);
        var y = ConvArgs.Output(outShape);
        // geo describes the convolution y → x: its input is y, its output is x.
        ConvKernel.BackwardInput(xc.Span, wc.Span, y.Span, geo);
        if (b is not null) ConvKernel.AddBias(y.Span, ConvArgs.Dense(b).Span, geo.Batch, geo.InChannels, geo.InSpatial);
        return Tape.Record(y, op, [x, w, b], g =>
        {
            var gc = ConvArgs.Dense(g);
            Tensor? dx = null, dw = null, db = null;
            if (x.RequiresGrad)
            {
                dx = GradPool.Rent(x.Shape);      // recycled by the engine; the kernel writes every element
                ConvKernel.Forward(gc.Span, wc.Span, default, dx.Span, geo);
            }
            if (w.RequiresGrad)
            {
                dw = ConvArgs.Output(w.Shape);
                ConvKernel.BackwardWeight(xc.Span, gc.Span, dw.Span, geo);
            }
            if (b is not null && b.RequiresGrad)
            {
                db = ConvArgs.Output(b.Shape);
                ConvKernel.BackwardBias(gc.Span, db.Span, geo.Batch, geo.InChannels, geo.InSpatial);
            }
            return [dx, dw, db];
        });
    }

    /// <summary>1-D transposed convolution: x [N, Cin, L], w [Cin, Cout/groups, k]. See <see cref="ConvTranspose"/>.</summary>
    public static Tensor ConvTranspose1d(Tensor x, Tensor w, Tensor? b = null, int stride = 1, int padding = 0, int outputPadding = 0, int groups = 1, int dilation = 1)
        => ConvTransposeN("ConvTranspose1d", 1, x, w, b, stride, padding, outputPadding, groups, dilation);

    /// <summary>2-D transposed convolution: x [N, Cin, H, W], w [Cin, Cout/groups, kH, kW]. See <see cref="ConvTranspose"/>.</summary>
    public static Tensor ConvTranspose2d(Tensor x, Tensor w, Tensor? b = null, int stride = 1, int padding = 0, int outputPadding = 0, int groups = 1, int dilation = 1)
        => ConvTransposeN("ConvTranspose2d", 2, x, w, b, stride, padding, outputPadding, groups, dilation);

    /// <summary>3-D transposed convolution: x [N, Cin, D, H, W], w [Cin, Cout/groups, kD, kH, kW]. See <see cref="ConvTranspose"/>.</summary>
    public static Tensor ConvTranspose3d(Tensor x, Tensor w, Tensor? b = null, int stride = 1, int padding = 0, int outputPadding = 0, int groups = 1, int dilation = 1)
        => ConvTransposeN("ConvTranspose3d", 3, x, w, b, stride, padding, outputPadding, groups, dilation);

    static Tensor ConvTransposeN(string op, int n, Tensor x, Tensor w, Tensor? b, int stride, int padding, int outputPadding, int groups, int dilation)
    {
        ConvArgs.ExpectSpatial(op, w.Shape, n, "Cin,Cout/groups");
        return ConvTranspose(x, w, b, ConvArgs.Fill(n, stride), ConvArgs.Fill(n, padding), ConvArgs.Fill(n, outputPadding), ConvArgs.Fill(n, dilation), groups);
    }
}

public partial class Tensor
{
    public Tensor ConvTranspose1d(Tensor w, Tensor? b = null, int stride = 1, int padding = 0, int outputPadding = 0, int groups = 1, int dilation = 1)
        => Ops.ConvTranspose1d(this, w, b, stride, padding, outputPadding, groups, dilation);
    public Tensor ConvTranspose2d(Tensor w, Tensor? b = null, int stride = 1, int padding = 0, int outputPadding = 0, int groups = 1, int dilation = 1)
        => Ops.ConvTranspose2d(this, w, b, stride, padding, outputPadding, groups, dilation);
    public Tensor ConvTranspose3d(Tensor w, Tensor? b = null, int stride = 1, int padding = 0, int outputPadding = 0, int groups = 1, int dilation = 1)
        => Ops.ConvTranspose3d(this, w, b, stride, padding, outputPadding, groups, dilation);
}
