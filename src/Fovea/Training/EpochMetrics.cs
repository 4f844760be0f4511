namespace Fovea.Training;

/// <summary>What one epoch of <see cref="Trainer.Fit"/> measured. Validation values are null without a validation set.</summary>
public sealed record EpochMetrics(
    int Epoch, double TrainLoss, double TrainAccuracy, double? ValidationLoss, double? ValidationAccuracy,
    double LearningRate, double Seconds, double ImagesPerSecond);
