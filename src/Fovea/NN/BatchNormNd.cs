namespace Fovea.NN;

/// <summary>
/// Batch normalisation: y = (x − mean) / √(var + eps) · weight + bias per channel (axis 1). Training mode uses the
/// batch's statistics and updates the running ones (running = (1−momentum)·running + momentum·batch, unbiased
/// variance; momentum null = cumulative average); eval mode uses the running ones. State: weight, bias (when
/// affine), running_mean, running_var, num_batches_tracked (when trackRunningStats), as in PyTorch.
/// </summary>
public abstract class BatchNormNd : Module
{
    public int NumFeatures { get; }
    public float Eps { get; }
    /// <summary>Null: cumulative moving average (factor 1/num_batches_tracked).</summary>
    public float? Momentum { get; }
    public bool Affine { get; }
    public bool TrackRunningStats { get; }
    /// <summary>[C], ones at start (null when not affine).</summary>
    public Tensor? Weight { get; }
    /// <summary>[C], zeros at start (null when not affine).</summary>
    public Tensor? Bias { get; }
    /// <summary>[C] buffer, zeros at start (null when not tracking).</summary>
    public Tensor? RunningMean { get; }
    /// <summary>[C] buffer, ones at start (null when not tracking).</summary>
    public Tensor? RunningVar { get; }
    /// <summary>0-D buffer counting training batches (a float holding an integer; int64 in PyTorch).</summary>
    public Tensor? NumBatchesTracked { get; }

    private protected BatchNormNd(string name, int numFeatures, float eps, float? momentum, bool affine, bool trackRunningStats)
    {
        Args.Positive(name, "num_features", numFeatures);
        if (!(eps > 0)) throw new ArgumentException($"{name}: eps={eps} must be positive.");
        if (momentum is { } m && !(m >= 0 && m <= 1)) throw new ArgumentException($"{name}: momentum={m} must be in [0, 1].");
        NumFeatures = numFeatures;
        Eps = eps;
        Momentum = momentum;
        Affine = affine;
        TrackRunningStats = trackRunningStats;
        if (affine)
        {
            Weight = RegisterParameter("weight", Tensor.Ones(numFeatures));
            Bias = RegisterParameter("bias", Tensor.Zeros(numFeatures));
        }
        if (trackRunningStats)
        {
            RunningMean = RegisterBuffer("running_mean", Tensor.Zeros(numFeatures));
            RunningVar = RegisterBuffer("running_var", Tensor.Ones(numFeatures));
            NumBatchesTracked = RegisterBuffer("num_batches_tracked", Tensor.Scalar(0));
        }
    }

    /// <summary>Resets the running statistics (mean 0, variance 1, count 0).</summary>
    public void ResetRunningStats()
    {
        if (!TrackRunningStats) return;
        Init.Zeros_(RunningMean!);
        Init.Ones_(RunningVar!);
        Init.Zeros_(NumBatchesTracked!);
    }

    private protected abstract void CheckRank(Tensor input);

    public override Tensor Forward(Tensor input)
    {
        CheckRank(input);
        if (input.Shape[1] != NumFeatures) throw InputError(input, $"{NumFeatures} channels on axis 1", $"{input.Shape[1]} channels");
        bool useBatchStats = IsTraining || !TrackRunningStats;
        float factor = Momentum ?? 0f;
        if (IsTraining)
        {
            if (input.Numel / NumFeatures <= 1)
                throw InputError(input, "more than 1 value per channel when training", $"{input.Numel / Math.Max(NumFeatures, 1)} per channel");
            if (TrackRunningStats)
            {
                var n = NumBatchesTracked!;
                n.Storage[n.Offset] += 1;
                if (Momentum is null) factor = 1f / n.Storage[n.Offset];
            }
        }
        // Running statistics are updated only when training with tracking; in eval without tracking none exist.
        bool update = IsTraining && TrackRunningStats;
        return Ops.BatchNorm(input, update || !useBatchStats ? RunningMean : null, update || !useBatchStats ? RunningVar : null,
            Weight, Bias, useBatchStats, factor, Eps);
    }

    protected internal override long MultiplyAdds(Tensor input, Tensor output) => 0;

    protected override string ExtraRepr() =>
        $"{NumFeatures}, eps={Repr.Float(Eps)}, momentum={(Momentum is { } m ? Repr.Float(m) : "None")}, affine={Repr.Bool(Affine)}, track_running_stats={Repr.Bool(TrackRunningStats)}";
}
