namespace Fovea.NN;

/// <summary>
/// A lookup table: integer indices (held as floats) of any shape → [*, embeddingDim] rows of the weight
/// [numEmbeddings, embeddingDim], drawn from N(0, 1) with the padding row zeroed, like <c>torch.nn.Embedding</c>.
/// The padding row receives no gradient.
/// </summary>
public class Embedding : Module
{
    public int NumEmbeddings { get; }
    public int EmbeddingDim { get; }
    /// <summary>Normalised to [0, numEmbeddings) (a negative value counts from the end, as in PyTorch).</summary>
    public int? PaddingIdx { get; }
    public Tensor Weight { get; }

    public Embedding(int numEmbeddings, int embeddingDim, int? paddingIdx = null, Generator? generator = null)
    {
        Args.Positive("Embedding", "num_embeddings", numEmbeddings);
        Args.Positive("Embedding", "embedding_dim", embeddingDim);
        if (paddingIdx is { } p)
        {
            if (p >= numEmbeddings || p < -numEmbeddings)
                throw new ArgumentException($"Embedding: padding_idx={p} must be within num_embeddings={numEmbeddings}.");
            PaddingIdx = p < 0 ? p + numEmbeddings : p;
        }
        NumEmbeddings = numEmbeddings;
        EmbeddingDim = embeddingDim;
        Weight = RegisterParameter("weight", Tensor.Zeros(numEmbeddings, embeddingDim));
        ResetParameters(generator);
    }

    /// <summary>PyTorch's default: N(0, 1), padding row zero.</summary>
    public void ResetParameters(Generator? generator = null)
    {
        Init.Normal_(Weight, 0f, 1f, generator);
        if (PaddingIdx is { } p) Weight.Storage.AsSpan(Weight.Offset + p * EmbeddingDim, EmbeddingDim).Clear();
    }

    public override Tensor Forward(Tensor input) => Ops.Embedding(input, Weight, PaddingIdx);

    protected override string ExtraRepr() => $"{NumEmbeddings}, {EmbeddingDim}" + (PaddingIdx is { } p ? $", padding_idx={p}" : "");
}
