namespace Fovea;

/// <summary>
/// One recorded op on the tape: its inputs and the function that maps the output's gradient to the inputs'
/// gradients (null for an input that needs none). Freed (Backward set to null) after a backward pass unless
/// the graph is retained.
/// </summary>
internal sealed class Node(string op, Tensor?[] inputs, Func<Tensor, Tensor?[]> backward)
{
    public readonly string Op = op;
    public Tensor?[] Inputs = inputs;
    public Func<Tensor, Tensor?[]>? Backward = backward;
    /// <summary>Forward activations to recycle once the graph behind this node has been freed (see <see cref="ActivationSegment"/>).</summary>
    public ActivationSegment? Segment;
}
