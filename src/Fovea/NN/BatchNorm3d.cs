namespace Fovea.NN;

/// <summary>
/// Batch normalisation over axis 1 of [N,C,D,H,W] input, like <c>torch.nn.BatchNorm3d</c>. See <see cref="BatchNormNd"/>.
/// </summary>
public class BatchNorm3d : BatchNormNd
{
    public BatchNorm3d(int numFeatures, float eps = 1e-5f, float? momentum = 0.1f, bool affine = true, bool trackRunningStats = true)
        : base("BatchNorm3d", numFeatures, eps, momentum, affine, trackRunningStats) { }

    private protected override void CheckRank(Tensor input)
    {
        if (input.Rank != 5) throw InputError(input, $"[N,{NumFeatures},D,H,W]", $"{input.Rank}-D");
    }
}
