namespace Fovea.NN;

/// <summary>
/// In-place weight initialisation, like <c>torch.nn.init</c> (same names with .NET casing, same formulas). Each
/// function fills the tensor's storage directly (no autograd), returns the tensor, and draws from
/// <see cref="Generator.Default"/> unless a generator is passed.
/// </summary>
public static class Init
{
    /// <summary>
    /// The recommended gain for a nonlinearity: 1 for linear/conv/sigmoid, 5/3 for tanh, √2 for relu,
    /// √(2/(1+slope²)) for leaky_relu (slope <paramref name="param"/>, default 0.01), 3/4 for selu.
    /// </summary>
    public static float CalculateGain(string nonlinearity, float? param = null)
    {
        switch (nonlinearity)
        {
            case "linear" or "conv1d" or "conv2d" or "conv3d" or "conv_transpose1d" or "conv_transpose2d" or "conv_transpose3d" or "sigmoid":
                return 1f;
            case "tanh": return 5f / 3f;
            case "relu": return MathF.Sqrt(2f);
            case "leaky_relu":
                float slope = param ?? 0.01f;
                return MathF.Sqrt(2f / (1f + slope * slope));
            case "selu": return 0.75f;
            default:
                throw new ArgumentException($"CalculateGain: unsupported nonlinearity \"{nonlinearity}\" (linear, conv1d/2d/3d, conv_transpose1d/2d/3d, sigmoid, tanh, relu, leaky_relu, selu).");
        }
    }

    /// <summary>(fan_in, fan_out) of a weight: size(1)·receptive field and size(0)·receptive field (needs at least 2 axes).</summary>
    public static (int FanIn, int FanOut) CalculateFanInAndFanOut(Tensor t)
    {
        if (t.Rank < 2)
            throw new ShapeMismatchException($"Init: fan in and fan out need a tensor with at least 2 axes, got {t.Shape}.");
        int receptive = 1;
        for (int i = 2; i < t.Rank; i++) receptive *= t.Shape[i];
        return (t.Shape[1] * receptive, t.Shape[0] * receptive);
    }

    static int Fan(Tensor t, string mode)
    {
        var (fi, fo) = CalculateFanInAndFanOut(t);
        return mode switch
        {
            "fan_in" => fi,
            "fan_out" => fo,
            _ => throw new ArgumentException($"Init: mode must be \"fan_in\" or \"fan_out\", got \"{mode}\"."),
        };
    }

    /// <summary>U(−bound, bound) with bound = gain·√(3/fan), gain = CalculateGain(nonlinearity, a) (He et al., 2015).</summary>
    public static Tensor KaimingUniform_(Tensor t, float a = 0, string mode = "fan_in", string nonlinearity = "leaky_relu", Generator? generator = null)
    {
        int fan = Fan(t, mode);
        float bound = MathF.Sqrt(3f) * CalculateGain(nonlinearity, a) / MathF.Sqrt(fan);
        return Uniform_(t, -bound, bound, generator);
    }

    /// <summary>N(0, std²) with std = gain/√fan, gain = CalculateGain(nonlinearity, a).</summary>
    public static Tensor KaimingNormal_(Tensor t, float a = 0, string mode = "fan_in", string nonlinearity = "leaky_relu", Generator? generator = null)
    {
        int fan = Fan(t, mode);
        return Normal_(t, 0f, CalculateGain(nonlinearity, a) / MathF.Sqrt(fan), generator);
    }

    /// <summary>U(−a, a) with a = gain·√(6/(fan_in+fan_out)) (Glorot &amp; Bengio, 2010).</summary>
    public static Tensor XavierUniform_(Tensor t, float gain = 1f, Generator? generator = null)
    {
        var (fi, fo) = CalculateFanInAndFanOut(t);
        float a = gain * MathF.Sqrt(6f / (fi + fo));
        return Uniform_(t, -a, a, generator);
    }

    /// <summary>N(0, std²) with std = gain·√(2/(fan_in+fan_out)).</summary>
    public static Tensor XavierNormal_(Tensor t, float gain = 1f, Generator? generator = null)
    {
        var (fi, fo) = CalculateFanInAndFanOut(t);
        return Normal_(t, 0f, gain * MathF.Sqrt(2f / (fi + fo)), generator);
    }

    /// <summary>U(low, high).</summary>
    public static Tensor Uniform_(Tensor t, float low = 0f, float high = 1f, Generator? generator = null)
    {
        if (!(low <= high)) throw new ArgumentException($"Init.Uniform_: low={low} must not exceed high={high}.");
        var g = generator ?? Generator.Default;
        var s = Data(t, "Uniform_");
        for (int i = 0; i < s.Length; i++) s[i] = low + (high - low) * g.NextFloat();
        return t;
    }

    /// <summary>N(mean, std²).</summary>
    public static Tensor Normal_(Tensor t, float mean = 0f, float std = 1f, Generator? generator = null)
    {
        if (!(std >= 0)) throw new ArgumentException($"Init.Normal_: std={std} must be non-negative.");
        var g = generator ?? Generator.Default;
        var s = Data(t, "Normal_");
        for (int i = 0; i < s.Length; i++) s[i] = mean + std * g.NextNormal();
        return t;
    }

    /// <summary>Fills with <paramref name="value"/>.</summary>
    public static Tensor Constant_(Tensor t, float value)
    {
        Data(t, "Constant_").Fill(value);
        return t;
    }

    /// <summary>Fills with zeros.</summary>
    public static Tensor Zeros_(Tensor t) => Constant_(t, 0f);

    /// <summary>Fills with ones.</summary>
    public static Tensor Ones_(Tensor t) => Constant_(t, 1f);

    static Span<float> Data(Tensor t, string fn)
    {
        ArgumentNullException.ThrowIfNull(t);
        if (!t.IsContiguous) throw new ArgumentException($"Init.{fn}: the tensor must be contiguous (got shape {t.Shape} as a strided view).");
        return t.Storage.AsSpan(t.Offset, t.Numel);
    }
}
