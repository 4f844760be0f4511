namespace Fovea;

public static partial class Ops
{
    /// <summary>
    /// One-hot encoding: indices of shape S (integers as floats) become a 0/1 tensor of shape S + [numClasses].
    /// numClasses = −1 takes the largest index + 1 (as in PyTorch). Not differentiable.
    /// </summary>
    public static Tensor OneHot(Tensor indices, int numClasses)
    {
        var idx = Dense(indices);
        if (numClasses < 0)
        {
            if (numClasses != -1) throw new ArgumentException($"OneHot: numClasses must be positive or -1, got {numClasses}.");
            if (idx.Length == 0) throw new ArgumentException("OneHot: cannot infer numClasses from empty indices.");
            float m = 0;
            foreach (float v in idx) m = Math.Max(m, v);
            numClasses = (int)m + 1;
        }
        CheckIndices("OneHot", idx, numClasses, 0, indices.Shape);
        var dims = new int[indices.Rank + 1];
        indices.Shape.Dims.CopyTo(dims, 0);
        dims[^1] = numClasses;
        var y = Tensor.Empty(dims);
        var ys = y.Span;
        for (int i = 0; i < idx.Length; i++) ys[i * numClasses + (int)idx[i]] = 1f;
        return y;
    }
}

public partial class Tensor
{
    public Tensor OneHot(int numClasses) => Ops.OneHot(this, numClasses);
}
