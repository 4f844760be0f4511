namespace Fovea.NN;

/// <summary>Collapses axes <c>startDim..endDim</c> into one: [N,C,H,W] → [N,C·H·W] by default (startDim=1, like PyTorch).</summary>
public class Flatten : Module
{
    public int StartDim { get; }
    public int EndDim { get; }

    public Flatten(int startDim = 1, int endDim = -1)
    {
        StartDim = startDim;
        EndDim = endDim;
    }

    public override Tensor Forward(Tensor input)
    {
        int r = Math.Max(input.Rank, 1);
        int s = StartDim < 0 ? StartDim + r : StartDim, e = EndDim < 0 ? EndDim + r : EndDim;
        if ((uint)s >= (uint)r || (uint)e >= (uint)r || s > e)
            throw InputError(input, $"a tensor with axes {StartDim}..{EndDim}", $"{input.Rank}-D");
        return input.Flatten(StartDim, EndDim);
    }

    protected override string ExtraRepr() => $"start_dim={StartDim}, end_dim={EndDim}";
}
