namespace Fovea.Training;

/// <summary>Reported after every training batch, for progress bars: running means over the epoch so far.</summary>
public readonly record struct BatchProgress(int Epoch, int Epochs, int Batch, int BatchesPerEpoch, double Loss, double Accuracy, double ImagesPerSecond, double LearningRate);
