namespace Fovea.NN;

/// <summary>
/// Batch normalisation over axis 1 of [N,C] or [N,C,L] input, like <c>torch.nn.BatchNorm1d</c>. See <see cref="BatchNormNd"/>.
/// </summary>
public class BatchNorm1d : BatchNormNd
{
    public BatchNorm1d(int numFeatures, float eps = 1e-5f, float? momentum = 0.1f, bool affine = true, bool trackRunningStats = true)
        : base("BatchNorm1d", numFeatures, eps, momentum, affine, trackRunningStats) { }

    private protected override void CheckRank(Tensor input)
    {
        if (input.Rank is not (2 or 3)) throw InputError(input, $"[N,{NumFeatures}] or [N,{NumFeatures},L]", $"{input.Rank}-D");
    }
}
