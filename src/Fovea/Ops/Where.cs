namespace Fovea;

public static partial class Ops
{
    /// <summary>
    /// a where condition != 0, else b; all three broadcast together. The gradient goes to a where the condition
    /// holds and to b elsewhere (each summed back to its shape); the condition gets none.
    /// </summary>
    public static Tensor Where(Tensor condition, Tensor a, Tensor b)
    {
        var shape = Shape.Broadcast("Where", condition.Shape, Shape.Broadcast("Where", a.Shape, b.Shape));
        var y = Tensor.Empty(shape);
        var c = BroadcastDense(condition, shape);
        var av = BroadcastDense(a, shape);
        var bv = BroadcastDense(b, shape);
        var ys = y.Span;
        for (int i = 0; i < ys.Length; i++) ys[i] = c[i] != 0 ? av[i] : bv[i];
        return Tape.Record(y, "Where", [condition, a, b], g =>
        {
            var zero = Tensor.Scalar(0f);
            return [
                null,
                a.RequiresGrad ? Where(condition, g, zero).SumTo(a.Shape) : null,
                b.RequiresGrad ? Where(condition, zero, g).SumTo(b.Shape) : null];
        });
    }

    /// <summary>The elements of <paramref name="t"/> broadcast to <paramref name="shape"/>, as a dense span (copies unless already that shape and contiguous).</summary>
    internal static ReadOnlySpan<float> BroadcastDense(Tensor t, Shape shape)
    {
        if (t.Shape == shape) return Dense(t);
        var view = new Tensor(t.Storage, shape, BroadcastStrides(t, shape), t.Offset);
        return ContiguousCopy(view).Span;
    }
}

public partial class Tensor
{
    /// <summary>this where condition != 0, else other.</summary>
    public Tensor Where(Tensor condition, Tensor other) => Ops.Where(condition, this, other);
}
