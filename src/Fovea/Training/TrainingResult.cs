namespace Fovea.Training;

/// <summary>The outcome of <see cref="Trainer.Fit"/>: per-epoch history, why it stopped, and a message for people.</summary>
public sealed record TrainingResult(IReadOnlyList<EpochMetrics> History, StopReason Reason, string Message, double BestValidationAccuracy, double Seconds);
