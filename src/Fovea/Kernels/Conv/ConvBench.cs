using System.Diagnostics;

namespace Fovea.Kernels;

/// <summary>
/// Times <see cref="Ops.Conv2d"/> forward and forward+backward on the seven layer shapes of the PyTorch peer
/// (/work/shared/bench/torch_conv_micro.py: fp32 NCHW, no bias, padding k/2), for <c>fovea bench conv</c>.
/// </summary>
public static class ConvBench
{
    /// <summary>One layer shape: channels, square kernel and image size, groups, and whether the input needs a gradient.</summary>
    public sealed record Case(string Name, int InChannels, int OutChannels, int Kernel, int Size, int Groups, bool InputGrad);

    /// <summary>Median milliseconds of the forward pass and of forward+backward, and the GFLOP/s they imply.</summary>
    public sealed record Result(Case Case, int Batch, double ForwardMs, double ForwardBackwardMs)
    {
        /// <summary>Forward FLOPs: 2·N·Cout·H·W·(Cin/groups)·k².</summary>
        public double ForwardGFlop => 2.0 * Batch * Case.OutChannels * Case.Size * Case.Size * (Case.InChannels / Case.Groups) * Case.Kernel * Case.Kernel / 1e9;
        public double ForwardGFlops => ForwardGFlop / (ForwardMs / 1e3);
        /// <summary>Forward+backward counts 3x the forward (2x when the input needs no gradient), like the peer.</summary>
        public double ForwardBackwardGFlops => ForwardGFlop * (Case.InputGrad ? 3 : 2) / (ForwardBackwardMs / 1e3);

        public override string ToString() =>
            $"{Case.Name,-28} {ForwardGFlop,7:F3} GFLOP | fwd {ForwardMs,8:F2} ms {ForwardGFlops,6:F1} GFLOP/s | fwd+bwd {ForwardBackwardMs,8:F2} ms {ForwardBackwardGFlops,6:F1} GFLOP/s";
    }

    /// <summary>The peer's shapes, in its order.</summary>
    public static IReadOnlyList<Case> Cases { get; } =
    [
        new("a 1->32 3x3 28x28", 1, 32, 3, 28, 1, false),
        new("b 32->64 3x3 14x14", 32, 64, 3, 14, 1, true),
        new("c 64->64 3x3 56x56", 64, 64, 3, 56, 1, true),
        new("d 128->128 3x3 28x28", 128, 128, 3, 28, 1, true),
        new("e 256->256 3x3 14x14", 256, 256, 3, 14, 1, true),
        new("f dw3x3 128ch 56x56 g=128", 128, 128, 3, 56, 128, true),
        new("g 1x1 256->64 56x56", 256, 64, 1, 56, 1, true),
    ];

    /// <summary>
    /// Runs every case (or those whose name starts with one of <paramref name="only"/>'s letters): warm-up (at least
    /// <paramref name="warmup"/> calls and 0.2 s), then the median of <paramref name="reps"/> timed calls, on
    /// <paramref name="threads"/> threads (0: <see cref="Parallelism.MaxThreads"/>). Reports each result as it comes.
    /// </summary>
    public static List<Result> Run(int batch = 32, int reps = 7, int warmup = 2, int threads = 0, string? only = null, Action<Result>? progress = null)
    {
        if (batch < 1 || reps < 1 || warmup < 0 || threads < 0)
            throw new ArgumentException($"ConvBench.Run: batch {batch} and reps {reps} must be positive, warmup {warmup} and threads {threads} non-negative.");
        int saved = Parallelism.MaxThreads;
        if (threads > 0) Parallelism.MaxThreads = threads;
        try
        {
            var results = new List<Result>();
            var gen = new Generator(0);
            foreach (var c in Cases)
            {
                if (only != null && !only.Contains(c.Name[0])) continue;
                var x = Tensor.Randn(gen, batch, c.InChannels, c.Size, c.Size);
                var w = Tensor.Randn(gen, c.OutChannels, c.InChannels / c.Groups, c.Kernel, c.Kernel);
                var gy = Tensor.Randn(gen, batch, c.OutChannels, c.Size, c.Size);
                int pad = c.Kernel / 2;
                double fwd = Time(() =>
                {
                    using (Autograd.NoGrad()) x.Conv2d(w, null, 1, pad, 1, c.Groups);
                }, warmup, reps);
                var xg = x.Detach().RequiresGrad_(c.InputGrad);
                var wg = w.Detach().RequiresGrad_();
                double fb = Time(() =>
                {
                    xg.Grad = null; wg.Grad = null;
                    xg.Conv2d(wg, null, 1, pad, 1, c.Groups).Backward(gy);
                }, warmup, reps);
                var r = new Result(c, batch, fwd, fb);
                results.Add(r);
                progress?.Invoke(r);
            }
            return results;
        }
        finally { Parallelism.MaxThreads = saved; }
    }

    static double Time(Action f, int warmup, int reps)
    {
        var sw = Stopwatch.StartNew();
        for (int i = 0; i < warmup || (sw.Elapsed.TotalSeconds < 0.2 && i < 1000); i++) f();
        var t = new double[reps];
        for (int r = 0; r < reps; r++)
        {
            long t0 = Stopwatch.GetTimestamp();
            f();
            t[r] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
        }
        Array.Sort(t);
        return reps % 2 == 1 ? t[reps / 2] : 0.5 * (t[reps / 2 - 1] + t[reps / 2]);
    }
}
