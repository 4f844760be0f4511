using Fovea.Kernels;

namespace Fovea;

// Comparisons: 0/1 float tensors with broadcasting, outside autograd (no gradient, like PyTorch's bool results).
public static partial class Ops
{
    /// <summary>1 where a == b, else 0 (broadcasting).</summary>
    public static Tensor Eq(Tensor a, Tensor b) => BinaryMap<EqOp>("Eq", a, b);
    /// <summary>1 where a != b, else 0 (broadcasting; NaN != NaN).</summary>
    public static Tensor Ne(Tensor a, Tensor b) => BinaryMap<NeOp>("Ne", a, b);
    /// <summary>1 where a &gt; b, else 0 (broadcasting).</summary>
    public static Tensor Gt(Tensor a, Tensor b) => BinaryMap<GtOp>("Gt", a, b);
    /// <summary>1 where a ≥ b, else 0 (broadcasting).</summary>
    public static Tensor Ge(Tensor a, Tensor b) => BinaryMap<GeOp>("Ge", a, b);
    /// <summary>1 where a &lt; b, else 0 (broadcasting).</summary>
    public static Tensor Lt(Tensor a, Tensor b) => BinaryMap<LtOp>("Lt", a, b);
    /// <summary>1 where a ≤ b, else 0 (broadcasting).</summary>
    public static Tensor Le(Tensor a, Tensor b) => BinaryMap<LeOp>("Le", a, b);

    /// <summary>1 where a == s, else 0.</summary>
    public static Tensor Eq(Tensor a, float s) => CompareScalar<EqOp>(a, s);
    /// <summary>1 where a != s, else 0.</summary>
    public static Tensor Ne(Tensor a, float s) => CompareScalar<NeOp>(a, s);
    /// <summary>1 where a &gt; s, else 0.</summary>
    public static Tensor Gt(Tensor a, float s) => CompareScalar<GtOp>(a, s);
    /// <summary>1 where a ≥ s, else 0.</summary>
    public static Tensor Ge(Tensor a, float s) => CompareScalar<GeOp>(a, s);
    /// <summary>1 where a &lt; s, else 0.</summary>
    public static Tensor Lt(Tensor a, float s) => CompareScalar<LtOp>(a, s);
    /// <summary>1 where a ≤ s, else 0.</summary>
    public static Tensor Le(Tensor a, float s) => CompareScalar<LeOp>(a, s);

    static Tensor CompareScalar<TOp>(Tensor a, float s) where TOp : struct, IBinaryOp
    {
        var y = Tensor.Empty(a.Shape);
        Map.BinaryScalarRight<TOp>(Dense(a), s, y.Span);
        return y;
    }
}

public partial class Tensor
{
    public Tensor Eq(Tensor other) => Ops.Eq(this, other);
    public Tensor Ne(Tensor other) => Ops.Ne(this, other);
    public Tensor Gt(Tensor other) => Ops.Gt(this, other);
    public Tensor Ge(Tensor other) => Ops.Ge(this, other);
    public Tensor Lt(Tensor other) => Ops.Lt(this, other);
    public Tensor Le(Tensor other) => Ops.Le(this, other);
    public Tensor Eq(float s) => Ops.Eq(this, s);
    public Tensor Ne(float s) => Ops.Ne(this, s);
    public Tensor Gt(float s) => Ops.Gt(this, s);
    public Tensor Ge(float s) => Ops.Ge(this, s);
    public Tensor Lt(float s) => Ops.Lt(this, s);
    public Tensor Le(float s) => Ops.Le(this, s);
}
