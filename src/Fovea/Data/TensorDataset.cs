namespace Fovea.Data;

/// <summary>
/// Samples held in memory as one float array [N, ...sample shape] with one label each, so copying a sample into a
/// batch is a single memory copy.
/// </summary>
public sealed class TensorDataset : Dataset
{
    readonly float[] _data;
    readonly int[] _labels;
    readonly Shape _sampleShape;
    readonly int _per;
    readonly string[] _classNames;

    /// <summary>
    /// Takes ownership of <paramref name="data"/> (N * prod(sampleShape) values, row-major) and <paramref name="labels"/> (N).
    /// </summary>
    public TensorDataset(float[] data, int[] sampleShape, int[] labels, string[]? classNames = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(sampleShape);
        ArgumentNullException.ThrowIfNull(labels);
        _sampleShape = new Shape(sampleShape);
        _per = _sampleShape.Numel;
        if ((long)_per * labels.Length != data.Length)
            throw new ShapeMismatchException($"TensorDataset: {data.Length} values do not make {labels.Length} samples of shape {_sampleShape}.");
        _classNames = classNames ?? [];
        CheckLabels("TensorDataset", labels, _classNames.Length);
        _data = data;
        _labels = labels;
    }

    /// <summary>Samples from the first axis of <paramref name="inputs"/> ([N, ...]); the values are copied.</summary>
    public TensorDataset(Tensor inputs, int[] labels, string[]? classNames = null)
        : this(inputs.ToArray(), inputs.Rank >= 1 ? inputs.Shape.ToArray()[1..] : throw new ShapeMismatchException($"TensorDataset: inputs must have a sample axis, got shape {inputs.Shape}."), labels, classNames)
    {
        if (inputs.Shape[0] != labels.Length)
            throw new ShapeMismatchException($"TensorDataset: inputs {inputs.Shape} hold {inputs.Shape[0]} samples but there are {labels.Length} labels.");
    }

    public override int Count => _labels.Length;
    public override Shape SampleShape => _sampleShape;
    public override IReadOnlyList<string> ClassNames => _classNames;

    public override void CopySample(int index, Span<float> destination)
    {
        CheckIndex(index);
        _data.AsSpan(index * _per, _per).CopyTo(destination);
    }

    public override int GetLabel(int index) { CheckIndex(index); return _labels[index]; }

    /// <summary>All samples as one tensor [N, ...sample shape] (a copy).</summary>
    public Tensor Inputs()
    {
        var dims = new int[_sampleShape.Rank + 1];
        dims[0] = Count;
        _sampleShape.ToArray().CopyTo(dims, 1);
        return Tensor.FromArray(_data, dims);
    }

    public override TensorDataset Materialize() => this;

    internal static void CheckLabels(string who, int[] labels, int numClasses)
    {
        for (int i = 0; i < labels.Length; i++)
        {
            if (labels[i] < 0 || (numClasses > 0 && labels[i] >= numClasses))
                throw new ArgumentException($"{who}: label {labels[i]} of sample {i} is out of range" +
                    (numClasses > 0 ? $" for {numClasses} classes." : " (labels must be non-negative)."));
        }
    }
}
