namespace Fovea.Data;

/// <summary>
/// A labelled set of samples of one fixed shape (images are [C,H,W]). Subclasses copy a sample straight into a
/// caller's buffer (<see cref="CopySample"/>), so a <see cref="DataLoader"/> fills a whole batch without allocating
/// per sample; <see cref="Get"/> is the convenient, allocating form. Implementations must allow concurrent reads.
/// </summary>
public abstract class Dataset
{
    /// <summary>Number of samples.</summary>
    public abstract int Count { get; }

    /// <summary>The shape of one sample (e.g. [1,28,28]).</summary>
    public abstract Shape SampleShape { get; }

    /// <summary>The class names, indexed by label; empty when unknown.</summary>
    public virtual IReadOnlyList<string> ClassNames => [];

    /// <summary>Number of classes: the count of <see cref="ClassNames"/> when known, otherwise 1 + the largest label.</summary>
    public virtual int NumClasses
    {
        get
        {
            if (ClassNames.Count > 0) return ClassNames.Count;
            int max = -1;
            for (int i = 0; i < Count; i++) max = Math.Max(max, GetLabel(i));
            return max + 1;
        }
    }

    /// <summary>Copies sample <paramref name="index"/> (row-major, <see cref="SampleShape"/>) into <paramref name="destination"/>.</summary>
    public abstract void CopySample(int index, Span<float> destination);

    /// <summary>The class label of sample <paramref name="index"/>.</summary>
    public abstract int GetLabel(int index);

    /// <summary>Sample <paramref name="index"/> as a new tensor of <see cref="SampleShape"/>, with its label.</summary>
    public (Tensor Input, int Label) Get(int index)
    {
        CheckIndex(index);
        var t = Tensor.Empty(SampleShape);
        CopySample(index, t.Span);
        return (t, GetLabel(index));
    }

    /// <summary>Every label, in order.</summary>
    public int[] Labels()
    {
        var y = new int[Count];
        for (int i = 0; i < y.Length; i++) y[i] = GetLabel(i);
        return y;
    }

    /// <summary>How many samples each class has (length <see cref="NumClasses"/>).</summary>
    public int[] ClassCounts()
    {
        var counts = new int[NumClasses];
        for (int i = 0; i < Count; i++)
        {
            int y = GetLabel(i);
            if ((uint)y < (uint)counts.Length) counts[y]++;
        }
        return counts;
    }

    /// <summary>
    /// Splits into a training part and a validation part holding <paramref name="validationFraction"/> of the samples
    /// (rounded), drawn with <c>new Generator(seed)</c>. With <paramref name="stratify"/> each class is split in that
    /// proportion on its own, so both parts keep the class balance. Each part keeps the original order.
    /// </summary>
    public (Dataset Train, Dataset Validation) Split(double validationFraction, long seed, bool stratify = false)
    {
        if (!(validationFraction >= 0 && validationFraction <= 1))
            throw new ArgumentException($"Dataset.Split: validationFraction must be in [0, 1], got {validationFraction}.");
        var gen = new Generator(seed);
        var isVal = new bool[Count];
        if (stratify)
        {
            var byClass = new Dictionary<int, List<int>>();
            for (int i = 0; i < Count; i++)
            {
                int y = GetLabel(i);
                if (!byClass.TryGetValue(y, out var list)) byClass[y] = list = [];
                list.Add(i);
            }
            foreach (var key in byClass.Keys.Order())
            {
                var idx = byClass[key].ToArray();
                gen.Shuffle<int>(idx);
                int nv = (int)Math.Round(idx.Length * validationFraction, MidpointRounding.AwayFromZero);
                for (int k = 0; k < nv; k++) isVal[idx[k]] = true;
            }
        }
        else
        {
            var perm = new int[Count];
            for (int i = 0; i < perm.Length; i++) perm[i] = i;
            gen.Shuffle<int>(perm);
            int nv = (int)Math.Round(Count * validationFraction, MidpointRounding.AwayFromZero);
            for (int k = 0; k < nv; k++) isVal[perm[k]] = true;
        }
        var train = new List<int>(Count);
        var val = new List<int>();
        for (int i = 0; i < Count; i++) (isVal[i] ? val : train).Add(i);
        return (new Subset(this, train.ToArray()), new Subset(this, val.ToArray()));
    }

    /// <summary>The samples at <paramref name="indices"/> (a view: nothing is copied).</summary>
    public Dataset Select(int[] indices) => new Subset(this, indices);

    /// <summary>
    /// Copies every sample into memory as a <see cref="TensorDataset"/> (e.g. decode an <see cref="ImageFolder"/> once
    /// rather than every epoch).
    /// </summary>
    public virtual TensorDataset Materialize()
    {
        int per = SampleShape.Numel;
        long total = (long)per * Count;
        if (total > Array.MaxLength)
            throw new InvalidOperationException($"Dataset.Materialize: {Count} samples of {SampleShape} do not fit one array.");
        var data = new float[total];
        var labels = new int[Count];
        for (int i = 0; i < Count; i++)
        {
            CopySample(i, data.AsSpan(i * per, per));
            labels[i] = GetLabel(i);
        }
        return new TensorDataset(data, SampleShape.ToArray(), labels, [.. ClassNames]);
    }

    /// <summary>"TensorDataset(6000 samples of [1,28,28], 10 classes)".</summary>
    public override string ToString()
        => $"{GetType().Name}({Count} samples of {SampleShape}{(ClassNames.Count > 0 ? $", {ClassNames.Count} classes" : "")})";

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> unless 0 &lt;= index &lt; Count.</summary>
    protected void CheckIndex(int index)
    {
        if ((uint)index >= (uint)Count)
            throw new ArgumentOutOfRangeException(nameof(index), $"{GetType().Name}: index {index} is out of range for {Count} samples.");
    }
}
