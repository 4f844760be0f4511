namespace Fovea.NN;

/// <summary>How a loss reduces its per-element values (PyTorch's <c>reduction=</c> strings).</summary>
public enum LossReduction
{
    /// <summary>"none": one value per element (per sample for classification losses).</summary>
    None,
    /// <summary>"mean": the average (weighted classification losses divide by the sum of the target weights).</summary>
    Mean,
    /// <summary>"sum": the total.</summary>
    Sum,
    /// <summary>"batchmean": the total divided by the batch size; KLDivLoss only.</summary>
    BatchMean,
}
