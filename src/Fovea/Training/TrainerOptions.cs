using System.Text.Json.Nodes;
using Fovea.Data;
using Fovea.NN;

namespace Fovea.Training;

/// <summary>How <see cref="Trainer"/> runs.</summary>
public sealed class TrainerOptions
{
    /// <summary>Total epochs (a resumed run counts the epochs already done).</summary>
    public int Epochs { get; set; } = 10;
    /// <summary>Folder for <c>last.ckpt</c> (full state, for resume) and <c>best.ckpt</c> (model only); null saves nothing.</summary>
    public string? CheckpointDir { get; set; }
    /// <summary>Stop when validation accuracy has not improved for this many epochs; null never stops early.</summary>
    public int? EarlyStopPatience { get; set; }
    /// <summary>Step the scheduler after every batch (OneCycleLR) rather than after every epoch.</summary>
    public bool SchedulerStepPerBatch { get; set; }
    /// <summary>Clip the gradients' global L2 norm to this value before each step; null does not clip.</summary>
    public float? ClipGradNorm { get; set; }
    /// <summary>Evaluation batch size.</summary>
    public int EvalBatchSize { get; set; } = 256;
    /// <summary>Written into every checkpoint under "model" (e.g. the architecture name and input shape), so that a checkpoint can rebuild its model.</summary>
    public JsonObject? ModelMetadata { get; set; }
    /// <summary>Save the full state every this many batches inside an epoch too (0: only at epoch ends and on cancel).</summary>
    public int SaveEveryBatches { get; set; }
    /// <summary>
    /// Replaces each training batch's input before the forward pass (e.g. adversarial training: return an attacked
    /// copy of <c>batch.Input</c>); receives the model (in training mode) and the batch. Null trains on the batch as it is.
    /// Gradients the transform leaves on the parameters are cleared before the training step.
    /// </summary>
    public Func<Module, Batch, Tensor>? InputTransform { get; set; }
}
