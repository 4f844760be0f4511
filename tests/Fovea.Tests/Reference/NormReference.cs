namespace Fovea.Tests.Reference;

/// <summary>
/// Naive normalisation references in double over [N, C, S] arrays: explicit loops, two-pass mean and biased
/// variance, written from the PyTorch definitions independently of the kernels.
/// </summary>
public static class NormReference
{
    /// <summary>Training-mode batch norm: per-channel statistics over N·S; also returns the batch mean and unbiased variance.</summary>
    public static (double[] y, double[] mean, double[] unbiasedVar) BatchNorm(float[] x, int n, int c, int s, float[]? w, float[]? b, double eps)
    {
        var y = new double[x.Length];
        var mean = new double[c];
        var uvar = new double[c];
        for (int ch = 0; ch < c; ch++)
        {
            double sum = 0;
            for (int i = 0; i < n; i++) for (int j = 0; j < s; j++) sum += x[(i * c + ch) * s + j];
            double m = sum / (n * s), sq = 0;
            for (int i = 0; i < n; i++) for (int j = 0; j < s; j++) { double d = x[(i * c + ch) * s + j] - m; sq += d * d; }
            double inv = 1 / Math.Sqrt(sq / (n * s) + eps);
            mean[ch] = m;
            uvar[ch] = sq / (n * s - 1);
            for (int i = 0; i < n; i++)
                for (int j = 0; j < s; j++)
                {
                    int at = (i * c + ch) * s + j;
                    y[at] = (x[at] - m) * inv * (w?[ch] ?? 1) + (b?[ch] ?? 0);
                }
        }
        return (y, mean, uvar);
    }

    /// <summary>Group norm: each (sample, group) of C/G channels × S values normalised, then per-channel affine.</summary>
    public static double[] GroupNorm(float[] x, int n, int c, int s, int groups, float[]? w, float[]? b, double eps)
    {
        var y = new double[x.Length];
        int cpg = c / groups;
        for (int i = 0; i < n; i++)
            for (int gi = 0; gi < groups; gi++)
            {
                int start = (i * c + gi * cpg) * s, len = cpg * s;
                double sum = 0;
                for (int t = 0; t < len; t++) sum += x[start + t];
                double m = sum / len, sq = 0;
                for (int t = 0; t < len; t++) { double d = x[start + t] - m; sq += d * d; }
                double inv = 1 / Math.Sqrt(sq / len + eps);
                for (int t = 0; t < len; t++)
                {
                    int ch = gi * cpg + t / s;
                    y[start + t] = (x[start + t] - m) * inv * (w?[ch] ?? 1) + (b?[ch] ?? 0);
                }
            }
        return y;
    }

    /// <summary>Layer norm over rows of length d with elementwise affine.</summary>
    public static double[] LayerNorm(float[] x, int rows, int d, float[]? w, float[]? b, double eps)
    {
        var y = new double[x.Length];
        for (int r = 0; r < rows; r++)
        {
            double sum = 0;
            for (int j = 0; j < d; j++) sum += x[r * d + j];
            double m = sum / d, sq = 0;
            for (int j = 0; j < d; j++) { double t = x[r * d + j] - m; sq += t * t; }
            double inv = 1 / Math.Sqrt(sq / d + eps);
            for (int j = 0; j < d; j++) y[r * d + j] = (x[r * d + j] - m) * inv * (w?[j] ?? 1) + (b?[j] ?? 0);
        }
        return y;
    }

    /// <summary>Local response norm across channels.</summary>
    public static double[] LocalResponseNorm(float[] x, int n, int c, int s, int size, double alpha, double beta, double k)
    {
        var y = new double[x.Length];
        for (int i = 0; i < n; i++)
            for (int ch = 0; ch < c; ch++)
                for (int j = 0; j < s; j++)
                {
                    double sum = 0;
                    for (int q = ch - size / 2; q <= ch + (size - 1) / 2; q++)
                        if (q >= 0 && q < c) { double v = x[(i * c + q) * s + j]; sum += v * v; }
                    y[(i * c + ch) * s + j] = x[(i * c + ch) * s + j] / Math.Pow(k + alpha / size * sum, beta);
                }
        return y;
    }
}
