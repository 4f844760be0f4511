using Fovea.Kernels;

namespace Fovea;

public static partial class Ops
{
    /// <summary>
    /// Instance normalisation of x [N,C,*] (at least one spatial axis) like <c>torch.nn.functional.instance_norm</c>
    /// with input statistics: every (sample, channel) plane is normalised on its own, then scaled and shifted per
    /// channel by weight and bias [C] (optional). Group norm with one channel per group.
    /// </summary>
    public static Tensor InstanceNorm(Tensor x, Tensor? weight = null, Tensor? bias = null, float eps = 1e-5f)
    {
        const string op = "InstanceNorm";
        if (x.Rank < 3) throw new ShapeMismatchException($"{op}: expected an input [N,C,*] with at least one spatial axis, got {x.Shape}.");
        int n = x.Shape[0], c = x.Shape[1];
        CheckNormParam(op, "weight", weight, [c], x.Shape);
        CheckNormParam(op, "bias", bias, [c], x.Shape);
        int s = 1;
        for (int i = 2; i < x.Rank; i++) s *= x.Shape[i];
        if (c == 0) return RowNorm(op, x, 0, 0, weight, bias, RowAffine.PerChannel(1, 1), eps);
        return RowNorm(op, x, n * c, s, weight, bias, RowAffine.PerChannel(c, 1), eps);
    }
}
