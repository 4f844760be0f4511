namespace Fovea.Data;

/// <summary>A view of some samples of another dataset, in the given order (nothing is copied).</summary>
public sealed class Subset : Dataset
{
    readonly Dataset _source;
    readonly int[] _indices;

    /// <summary>The samples of <paramref name="source"/> at <paramref name="indices"/>.</summary>
    public Subset(Dataset source, int[] indices)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(indices);
        foreach (int i in indices)
            if ((uint)i >= (uint)source.Count)
                throw new ArgumentOutOfRangeException(nameof(indices), $"Subset: index {i} is out of range for {source.Count} samples.");
        _source = source;
        _indices = (int[])indices.Clone();
    }

    /// <summary>The dataset this one views.</summary>
    public Dataset Source => _source;
    /// <summary>The indices into <see cref="Source"/> (a copy).</summary>
    public int[] Indices => (int[])_indices.Clone();

    public override int Count => _indices.Length;
    public override Shape SampleShape => _source.SampleShape;
    public override IReadOnlyList<string> ClassNames => _source.ClassNames;
    public override int NumClasses => _source.NumClasses;
    public override void CopySample(int index, Span<float> destination) { CheckIndex(index); _source.CopySample(_indices[index], destination); }
    public override int GetLabel(int index) { CheckIndex(index); return _source.GetLabel(_indices[index]); }
}
