namespace Fovea.Training;

/// <summary>Why <see cref="Trainer.Fit"/> returned.</summary>
public enum StopReason
{
    /// <summary>All epochs ran.</summary>
    Completed,
    /// <summary>Validation accuracy stopped improving for the patience given.</summary>
    EarlyStopped,
    /// <summary>The loss became NaN or infinite; the last good checkpoint is kept.</summary>
    Diverged,
    /// <summary>Cancelled (Ctrl+C); the state was saved so that <c>--resume</c> continues exactly.</summary>
    Cancelled,
}
