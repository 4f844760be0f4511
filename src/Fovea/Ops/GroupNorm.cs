using Fovea.Kernels;

namespace Fovea;

public static partial class Ops
{
    /// <summary>
    /// Group normalisation of x [N,C,*] like <c>torch.nn.functional.group_norm</c>: the C channels are split into
    /// <paramref name="numGroups"/> groups, each (sample, group) normalised with its own mean and biased variance,
    /// then scaled and shifted per channel by weight and bias [C] (optional). Backward as for layer norm per group.
    /// </summary>
    public static Tensor GroupNorm(Tensor x, int numGroups, Tensor? weight, Tensor? bias, float eps = 1e-5f)
    {
        const string op = "GroupNorm";
        if (x.Rank < 2) throw new ShapeMismatchException($"{op}: expected an input [N,C,*], got {x.Shape}.");
        int n = x.Shape[0], c = x.Shape[1];
        if (numGroups <= 0 || c % numGroups != 0)
            throw new ArgumentException($"{op}: {numGroups} groups must be positive and divide the {c} channels of input {x.Shape}.");
        CheckNormParam(op, "weight", weight, [c], x.Shape);
        CheckNormParam(op, "bias", bias, [c], x.Shape);
        int s = 1;
        for (int i = 2; i < x.Rank; i++) s *= x.Shape[i];
        int cpg = c / numGroups;
        return RowNorm(op, x, n * numGroups, cpg * s, weight, bias, RowAffine.PerChannel(numGroups, cpg), eps);
    }
}
