namespace Fovea;

public static partial class Ops
{
    /// <summary>Joins same-shaped tensors along a new <paramref name="axis"/> (in −(rank+1) .. rank). Composite: Unsqueeze then Cat.</summary>
    public static Tensor Stack(Tensor[] xs, int axis)
    {
        ArgumentNullException.ThrowIfNull(xs);
        if (xs.Length == 0) throw new ArgumentException("Stack: needs at least one tensor.");
        for (int t = 1; t < xs.Length; t++)
            if (xs[t].Shape != xs[0].Shape) throw new ShapeMismatchException($"Stack: tensor {t} has shape {xs[t].Shape}, expected {xs[0].Shape} like tensor 0.");
        var u = new Tensor[xs.Length];
        for (int t = 0; t < xs.Length; t++) u[t] = Unsqueeze(xs[t], axis);
        return Cat(u, axis < 0 ? axis + xs[0].Rank + 1 : axis);
    }
}

public partial class Tensor
{
    public static Tensor Stack(Tensor[] xs, int axis) => Ops.Stack(xs, axis);
}
