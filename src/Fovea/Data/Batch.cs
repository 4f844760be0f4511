namespace Fovea.Data;

/// <summary>
/// One mini-batch from a <see cref="DataLoader"/>: inputs [B, ...sample shape], class labels as floats [B] (the
/// convention of the losses), and which dataset samples they came from. With buffer reuse on (the default) the
/// arrays behind a batch are refilled two batches later: use a batch before moving two further, or
/// <see cref="Clone"/> it.
/// </summary>
public sealed class Batch
{
    internal Batch(Tensor input, Tensor target, int[] indices)
    {
        Input = input;
        Target = target;
        Indices = indices;
    }

    /// <summary>The inputs, [B, ...sample shape].</summary>
    public Tensor Input { get; }
    /// <summary>The class labels as floats, [B].</summary>
    public Tensor Target { get; }
    /// <summary>The dataset index of each sample, length B.</summary>
    public int[] Indices { get; }
    /// <summary>Number of samples B.</summary>
    public int Count => Indices.Length;

    /// <summary>The label of sample <paramref name="i"/> as an int.</summary>
    public int Label(int i) => (int)Target[i];

    /// <summary>A copy that owns its own arrays.</summary>
    public Batch Clone() => new(Input.Clone(), Target.Clone(), (int[])Indices.Clone());
}
