using System.Numerics.Tensors;

namespace Fovea.Data;

/// <summary>
/// Images held in memory as bytes [N, C, H, W] (a quarter of the memory of floats), handed out scaled to [0, 1]
/// (value / 255). What <see cref="Mnist"/>, <see cref="FashionMnist"/> and <see cref="Cifar"/> return.
/// </summary>
public sealed class ByteImageDataset : Dataset
{
    readonly byte[] _pixels;
    readonly int[] _labels;
    readonly Shape _sampleShape;
    readonly int _per;
    readonly string[] _classNames;

    /// <summary>Takes ownership of <paramref name="pixels"/> (N * prod(sampleShape) bytes) and <paramref name="labels"/>.</summary>
    public ByteImageDataset(byte[] pixels, int[] sampleShape, int[] labels, string[]? classNames = null)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentNullException.ThrowIfNull(labels);
        _sampleShape = new Shape(sampleShape);
        _per = _sampleShape.Numel;
        if ((long)_per * labels.Length != pixels.Length)
            throw new ShapeMismatchException($"ByteImageDataset: {pixels.Length} bytes do not make {labels.Length} samples of shape {_sampleShape}.");
        _classNames = classNames ?? [];
        TensorDataset.CheckLabels("ByteImageDataset", labels, _classNames.Length);
        _pixels = pixels;
        _labels = labels;
    }

    public override int Count => _labels.Length;
    public override Shape SampleShape => _sampleShape;
    public override IReadOnlyList<string> ClassNames => _classNames;

    /// <summary>The raw bytes of sample <paramref name="index"/> (no copy).</summary>
    public ReadOnlySpan<byte> RawSample(int index) { CheckIndex(index); return _pixels.AsSpan(index * _per, _per); }

    public override void CopySample(int index, Span<float> destination)
    {
        CheckIndex(index);
        var src = _pixels.AsSpan(index * _per, _per);
        var dst = destination[.._per];
        TensorPrimitives.ConvertTruncating<byte, float>(src, dst);
        TensorPrimitives.Divide(dst, 255f, dst);
    }

    public override int GetLabel(int index) { CheckIndex(index); return _labels[index]; }
}
