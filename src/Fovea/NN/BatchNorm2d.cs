namespace Fovea.NN;

/// <summary>
/// Batch normalisation over axis 1 of [N,C,H,W] input, like <c>torch.nn.BatchNorm2d</c>. See <see cref="BatchNormNd"/>.
/// </summary>
public class BatchNorm2d : BatchNormNd
{
    public BatchNorm2d(int numFeatures, float eps = 1e-5f, float? momentum = 0.1f, bool affine = true, bool trackRunningStats = true)
        : base("BatchNorm2d", numFeatures, eps, momentum, affine, trackRunningStats) { }

    private protected override void CheckRank(Tensor input)
    {
        if (input.Rank != 4) throw InputError(input, $"[N,{NumFeatures},H,W]", $"{input.Rank}-D");
    }
}
