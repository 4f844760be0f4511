using Fovea.Kernels;

namespace Fovea;

public static partial class Ops
{
    /// <summary>
    /// Local response normalisation across channels of x [N,C,*] (at least 3-D), like
    /// <c>torch.nn.functional.local_response_norm</c>: y[c] = x[c] / (k + alpha/size · Σ x[j]²)^beta over the
    /// <paramref name="size"/> neighbouring channels j in [c - size/2, c + (size-1)/2].
    /// d/dx[j] = g[j]·den[j]^-beta - 2·alpha·beta/size·x[j]·Σ over windows holding j of g[c]·y[c]/den[c].
    /// </summary>
    public static Tensor LocalResponseNorm(Tensor x, int size, float alpha = 1e-4f, float beta = 0.75f, float k = 1f)
    {
        const string op = "LocalResponseNorm";
        if (x.Rank < 3) throw new ShapeMismatchException($"{op}: expected a 3-D or higher input [N,C,*], got {x.Shape}.");
        if (size <= 0) throw new ArgumentException($"{op}: size must be positive, got {size}.");
        int n = x.Shape[0], c = x.Shape[1];
        int s = 1;
        for (int i = 2; i < x.Rank; i++) s *= x.Shape[i];
        var xd = DetachedDense(x);
        var y = Tensor.Empty(x.Shape);
        var den = new float[x.Numel];
        LocalResponseNormKernel.Forward(xd.Span, y.Span, den, n, c, s, size, alpha, beta, k);
        var yd = y.Detach();
        return Tape.Record(y, op, [x], g =>
        {
            var gx = Tensor.Empty(x.Shape);
            LocalResponseNormKernel.Backward(PoolDense(g), xd.Span, yd.Span, den, gx.Span, n, c, s, size, alpha, beta);
            return [gx];
        });
    }
}
