using System.Runtime.CompilerServices;

namespace Fovea.Kernels.Loss;

/// <summary>
/// An elementwise loss l(x, t) with its two partial derivatives; <c>a</c> is an optional per-element parameter
/// (the positive-class weight of BCE-with-logits), 1 when the loss has none. Instances carry scalar parameters
/// (beta, delta), so the drivers take the struct by value and the JIT specialises them.
/// </summary>
internal interface IPointwiseLoss
{
    float Loss(float x, float t, float a);
    float GradInput(float x, float t, float a);
    float GradTarget(float x, float t, float a);
}

/// <summary>The loop drivers for elementwise losses: per-element values or their double-accumulated sum, and the backward.</summary>
internal static class PointwiseLoss
{
    /// <summary>loss[i] = l(x[i], t[i], aux[i] or 1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward<TLoss>(TLoss op, ReadOnlySpan<float> x, ReadOnlySpan<float> t, ReadOnlySpan<float> aux, Span<float> loss)
        where TLoss : struct, IPointwiseLoss
    {
        Check(x, t, aux, loss.Length);
        if (aux.IsEmpty) for (int i = 0; i < x.Length; i++) loss[i] = op.Loss(x[i], t[i], 1f);
        else for (int i = 0; i < x.Length; i++) loss[i] = op.Loss(x[i], t[i], aux[i]);
    }

    /// <summary>Σ l(x[i], t[i], aux[i] or 1), accumulated in double.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double Sum<TLoss>(TLoss op, ReadOnlySpan<float> x, ReadOnlySpan<float> t, ReadOnlySpan<float> aux)
        where TLoss : struct, IPointwiseLoss
    {
        Check(x, t, aux, x.Length);
        double s = 0;
        if (aux.IsEmpty) for (int i = 0; i < x.Length; i++) s += op.Loss(x[i], t[i], 1f);
        else for (int i = 0; i < x.Length; i++) s += op.Loss(x[i], t[i], aux[i]);
        return s;
    }

    /// <summary>
    /// gx[i] = g_i·∂l/∂x and gt[i] = g_i·∂l/∂t, where g_i = g[i] when g is not empty, else the scalar
    /// <paramref name="gScalar"/> (a reduced loss). Either destination may be empty to skip it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Backward<TLoss>(TLoss op, ReadOnlySpan<float> x, ReadOnlySpan<float> t, ReadOnlySpan<float> aux,
        ReadOnlySpan<float> g, float gScalar, Span<float> gx, Span<float> gt) where TLoss : struct, IPointwiseLoss
    {
        Check(x, t, aux, x.Length);
        if ((!g.IsEmpty && g.Length != x.Length) || (!gx.IsEmpty && gx.Length != x.Length) || (!gt.IsEmpty && gt.Length != x.Length))
            throw new ArgumentException("PointwiseLoss.Backward: span lengths differ.");
        bool hasG = !g.IsEmpty, hasA = !aux.IsEmpty;
        for (int i = 0; i < x.Length; i++)
        {
            float gi = hasG ? g[i] : gScalar, a = hasA ? aux[i] : 1f;
            if (!gx.IsEmpty) gx[i] = gi * op.GradInput(x[i], t[i], a);
            if (!gt.IsEmpty) gt[i] = gi * op.GradTarget(x[i], t[i], a);
        }
    }

    static void Check(ReadOnlySpan<float> x, ReadOnlySpan<float> t, ReadOnlySpan<float> aux, int dst)
    {
        if (t.Length != x.Length || (!aux.IsEmpty && aux.Length != x.Length) || dst < x.Length)
            throw new ArgumentException("PointwiseLoss: span lengths differ.");
    }
}

/// <summary>(x − t)².</summary>
internal readonly struct SquaredErrorLoss : IPointwiseLoss
{
    public float Loss(float x, float t, float a) { float d = x - t; return d * d; }
    public float GradInput(float x, float t, float a) => 2 * (x - t);
    public float GradTarget(float x, float t, float a) => -2 * (x - t);
}

/// <summary>|x − t|; the derivative at 0 is 0.</summary>
internal readonly struct AbsoluteErrorLoss : IPointwiseLoss
{
    public float Loss(float x, float t, float a) => MathF.Abs(x - t);
    public float GradInput(float x, float t, float a) => Sign(x - t);
    public float GradTarget(float x, float t, float a) => -Sign(x - t);
    internal static float Sign(float d) => d > 0 ? 1f : d < 0 ? -1f : d;   // NaN stays NaN
}

/// <summary>Smooth L1: 0.5·d²/β when |d| &lt; β, else |d| − 0.5·β (β = 0 is L1).</summary>
internal readonly struct SmoothL1ElementLoss(float beta) : IPointwiseLoss
{
    public float Loss(float x, float t, float a)
    {
        float d = MathF.Abs(x - t);
        return d < beta ? 0.5f * d * d / beta : d - 0.5f * beta;
    }
    public float GradInput(float x, float t, float a)
    {
        float d = x - t;
        return d < -beta ? -1f : d > beta ? 1f : beta == 0 ? AbsoluteErrorLoss.Sign(d) : d / beta;
    }
    public float GradTarget(float x, float t, float a) => -GradInput(x, t, a);
}

/// <summary>Huber: 0.5·d² when |d| &lt; δ, else δ·(|d| − 0.5·δ).</summary>
internal readonly struct HuberElementLoss(float delta) : IPointwiseLoss
{
    public float Loss(float x, float t, float a)
    {
        float d = MathF.Abs(x - t);
        return d < delta ? 0.5f * d * d : delta * (d - 0.5f * delta);
    }
    public float GradInput(float x, float t, float a)
    {
        float d = x - t;
        return d < -delta ? -delta : d > delta ? delta : d;
    }
    public float GradTarget(float x, float t, float a) => -GradInput(x, t, a);
}

/// <summary>
/// Binary cross-entropy of probabilities: −(t·max(log x, −100) + (1−t)·max(log(1−x), −100)); the input
/// derivative is (x − t)/max(x(1−x), 1e-12), as in PyTorch.
/// </summary>
internal readonly struct BinaryCrossEntropyElementLoss : IPointwiseLoss
{
    public float Loss(float x, float t, float a) => -(t * ClampedLog(x) + (1 - t) * ClampedLog(1 - x));
    public float GradInput(float x, float t, float a) => (x - t) / MathF.Max((1 - x) * x, 1e-12f);
    public float GradTarget(float x, float t, float a) => ClampedLog(1 - x) - ClampedLog(x);
    static float ClampedLog(float v) => MathF.Max(MathF.Log(v), -100f);
}

/// <summary>
/// Binary cross-entropy on logits with positive weight a, computed stably:
/// (1−t)·x + (1 + (a−1)·t)·(log(1 + e^−|x|) + max(−x, 0)).
/// </summary>
internal readonly struct BinaryCrossEntropyWithLogitsElementLoss : IPointwiseLoss
{
    public float Loss(float x, float t, float a) => (1 - t) * x + (1 + (a - 1) * t) * SoftplusNeg(x);
    public float GradInput(float x, float t, float a) => (1 + (a - 1) * t) * Sigmoid(x) - a * t;
    public float GradTarget(float x, float t, float a) => -x + (a - 1) * SoftplusNeg(x);
    static float SoftplusNeg(float x) => MathF.Log(1 + MathF.Exp(-MathF.Abs(x))) + MathF.Max(-x, 0);
    static float Sigmoid(float x) => x >= 0 ? 1 / (1 + MathF.Exp(-x)) : MathF.Exp(x) / (1 + MathF.Exp(x));
}

/// <summary>KL divergence term with input log-probabilities x and probabilities t: xlogy(t, t) − t·x.</summary>
internal readonly struct KLDivElementLoss : IPointwiseLoss
{
    public float Loss(float x, float t, float a) => (t == 0 ? 0 : t * MathF.Log(t)) - t * x;
    public float GradInput(float x, float t, float a) => -t;
    public float GradTarget(float x, float t, float a) => t > 0 ? MathF.Log(t) + 1 - x : 0;
}

/// <summary>KL divergence term with input and target both log-probabilities: e^t·(t − x).</summary>
internal readonly struct KLDivLogTargetElementLoss : IPointwiseLoss
{
    public float Loss(float x, float t, float a) => MathF.Exp(t) * (t - x);
    public float GradInput(float x, float t, float a) => -MathF.Exp(t);
    public float GradTarget(float x, float t, float a) => MathF.Exp(t) * (t - x + 1);
}
