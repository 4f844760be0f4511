namespace Fovea.NN;

/// <summary>
/// Normalises over the trailing <see cref="NormalizedShape"/> axes of each sample (mean 0, variance 1), then scales
/// by weight and shifts by bias of that shape (ones and zeros at start), like <c>torch.nn.LayerNorm</c>.
/// </summary>
public class LayerNorm : Module
{
    public int[] NormalizedShape { get; }
    public float Eps { get; }
    public bool ElementwiseAffine { get; }
    public Tensor? Weight { get; }
    public Tensor? Bias { get; }

    public LayerNorm(int normalizedShape, float eps = 1e-5f, bool elementwiseAffine = true) : this([normalizedShape], eps, elementwiseAffine) { }

    public LayerNorm(int[] normalizedShape, float eps = 1e-5f, bool elementwiseAffine = true)
    {
        ArgumentNullException.ThrowIfNull(normalizedShape);
        if (normalizedShape.Length == 0) throw new ArgumentException("LayerNorm: normalized_shape must have at least one axis.");
        NormalizedShape = Args.Sizes("LayerNorm", "normalized_shape", normalizedShape, normalizedShape.Length, [1], 1);
        if (!(eps > 0)) throw new ArgumentException($"LayerNorm: eps={eps} must be positive.");
        Eps = eps;
        ElementwiseAffine = elementwiseAffine;
        if (elementwiseAffine)
        {
            Weight = RegisterParameter("weight", Tensor.Ones(NormalizedShape));
            Bias = RegisterParameter("bias", Tensor.Zeros(NormalizedShape));
        }
    }

    public override Tensor Forward(Tensor input)
    {
        int k = NormalizedShape.Length;
        bool ok = input.Rank >= k;
        for (int i = 0; ok && i < k; i++) ok = input.Shape[input.Rank - k + i] == NormalizedShape[i];
        if (!ok) throw InputError(input, "[*," + string.Join(",", NormalizedShape) + "]", "trailing axes differ");
        return Ops.LayerNorm(input, NormalizedShape, Weight, Bias, Eps);
    }

    protected override string ExtraRepr() =>
        $"{Repr.Tuple(NormalizedShape)}, eps={Repr.Float(Eps)}, elementwise_affine={Repr.Bool(ElementwiseAffine)}";
}
