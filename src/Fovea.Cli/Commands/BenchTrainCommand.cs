using System.ComponentModel;
using System.Diagnostics;
using System.Text.Json.Nodes;
using Fovea.Data;
using Fovea.Kernels;
using Fovea.NN;
using Fovea.Optim;
using Fovea.Training;
using Fovea.Vision.Models;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Fovea.Cli.Commands;

/// <summary>
/// <c>fovea bench train</c>: the recipe of the PyTorch peer script (torch_fmnist.py): pixels in [0,1] with no
/// normalisation, Adam 1e-3, batch 128, shuffled; then inference: throughput of an evaluation pass at batch 256 over
/// the test set (like the peer's), of plain forwards of one fixed batch of 256 (like ONNX Runtime's peer), and the
/// latency of single-image forwards.
/// </summary>
public sealed class BenchTrainCommand : Command<BenchTrainCommand.Settings>
{
    public sealed class Settings : CommonSettings
    {
        [CommandOption("--model <NAME>")][Description("Zoo model (default fmnist-cnn).")]
        public string Model { get; set; } = "fmnist-cnn";
        [CommandOption("--epochs <N>")][Description("Epochs (default 1).")]
        public int Epochs { get; set; } = 1;
        [CommandOption("--data <DIR>")][Description("Fashion-MNIST folder (default /usr/share/datasets/fashion-mnist, else the embedded subset).")]
        public string? Data { get; set; }
        [CommandOption("--seed <S>")][Description("Seed (default 0).")]
        public int Seed { get; set; }
        [CommandOption("--train-subset <N>")][Description("Train on N randomly chosen images only (default: all; for quick checks).")]
        public int TrainSubset { get; set; }
        [CommandOption("--batch1-reps <N>")][Description("Timed single-image forwards for infer_batch1_ms (default 1000).")]
        public int Batch1Reps { get; set; } = 1000;
    }

    public override int Execute(CommandContext context, Settings s, CancellationToken cancellationToken)
    {
        s.ApplyThreads();
        if (s.TrainSubset < 0) throw new UsageException($"--train-subset must be positive, got {s.TrainSubset}.");
        if (s.Batch1Reps <= 0) throw new UsageException($"--batch1-reps must be positive, got {s.Batch1Reps}.");
        string? dir = s.Data ?? (Directory.Exists(FashionMnist.DefaultFolder) ? FashionMnist.DefaultFolder : null);
        Dataset train = dir is null ? FashionMnist.LoadEmbedded(true) : FashionMnist.Load(dir, true);
        Dataset test = dir is null ? FashionMnist.LoadEmbedded(false) : FashionMnist.Load(dir, false);
        if (s.TrainSubset > 0 && s.TrainSubset < train.Count) train = train.Select(Shuffled(train.Count, s.Seed + 1)[..s.TrainSubset]);
        Generator.ManualSeed(s.Seed);
        var model = ModelZoo.Create(s.Model, 1, 10, 28, new Generator(s.Seed));
        var opt = new Adam(model.Parameters(), 1e-3f);
        var loss = new CrossEntropyLoss();
        var loader = new DataLoader(train, 128, shuffle: true, generator: new Generator(s.Seed + 1));
        var epochTimes = new List<double>();
        long allocThread = 0, allocTotal = 0, steps = 0;
        var heapMb = new JsonArray();
        int gc0 = GC.CollectionCount(0), gc1 = GC.CollectionCount(1), gc2 = GC.CollectionCount(2);
        var pause0 = GC.GetTotalPauseDuration();
        for (int e = 0; e < s.Epochs; e++)
        {
            model.Train();
            var sw = Stopwatch.StartNew();
            int b = 0;
            foreach (var batch in loader)
            {
                long t0 = GC.GetAllocatedBytesForCurrentThread(), g0 = GC.GetTotalAllocatedBytes();
                opt.ZeroGrad();
                var l = loss.Forward(model.Call(batch.Input), batch.Target);
                l.Backward();
                opt.Step();
                if (b++ >= 20) { allocThread += GC.GetAllocatedBytesForCurrentThread() - t0; allocTotal += GC.GetTotalAllocatedBytes() - g0; steps++; }
            }
            epochTimes.Add(sw.Elapsed.TotalSeconds);
            var full = GC.GetGCMemoryInfo(GCKind.FullBlocking);   // the last full collection: what was live then
            heapMb.Add(Math.Round((full.HeapSizeBytes - full.FragmentedBytes) / (1024.0 * 1024.0), 1));
            if (!s.Json) AnsiConsole.MarkupLine($"epoch {e + 1}: {sw.Elapsed.TotalSeconds:F2} s ({train.Count / sw.Elapsed.TotalSeconds:N0} img/s)");
        }
        double trainRss = Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024.0);
        var gcInfo = GC.GetGCMemoryInfo();
        var gcCounts = new JsonArray(GC.CollectionCount(0) - gc0, GC.CollectionCount(1) - gc1, GC.CollectionCount(2) - gc2);
        double gcPauseMs = (GC.GetTotalPauseDuration() - pause0).TotalMilliseconds;
        // Inference: batch 256 over the test set, median of 5 passes after one warm-up.
        var testLoader = new DataLoader(test, 256);
        var passes = new List<double>();
        EvaluationResult? ev = null;
        for (int p = 0; p < 6; p++)
        {
            var sw = Stopwatch.StartNew();
            ev = Evaluator.Evaluate(model, testLoader, loss);
            if (p > 0) passes.Add(sw.Elapsed.TotalSeconds);
        }
        double epochS = BenchUtil.Median(epochTimes);
        double inferImgS = test.Count / BenchUtil.Median(passes);
        var (forwardImgS, batch1Ms) = TimeForwards(model, testLoader, test, s.Batch1Reps);
        double rss = Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024.0);
        var o = new JsonObject
        {
            ["kind"] = "train", ["model"] = s.Model, ["threads"] = Parallelism.MaxThreads, ["epochs"] = s.Epochs, ["train_images"] = train.Count,
            ["epoch_s"] = Math.Round(epochS, 3), ["train_images_per_s"] = Math.Round(train.Count / epochS, 1),
            ["infer_images_per_s"] = Math.Round(inferImgS, 1), ["infer_forward256_images_per_s"] = Math.Round(forwardImgS, 1),
            ["infer_batch1_ms"] = Math.Round(batch1Ms, 4), ["peak_rss_mb"] = Math.Round(rss, 1), ["test_accuracy"] = Math.Round(ev!.Accuracy, 4),
            ["alloc_bytes_per_step_thread"] = steps == 0 ? null : allocThread / steps, ["alloc_bytes_per_step_total"] = steps == 0 ? null : allocTotal / steps,
            // Memory while training: peak RSS up to the end of the last epoch, the managed heap left by the last full
            // collection of each epoch (heap size less fragmentation), what the GC had committed at the end,
            // collections per generation and their total pause.
            ["train_peak_rss_mb"] = Math.Round(trainRss, 1), ["heap_live_mb_per_epoch"] = heapMb,
            ["gc_committed_mb"] = Math.Round(gcInfo.TotalCommittedBytes / (1024.0 * 1024.0), 1), ["gc_collections_gen012"] = gcCounts,
            ["gc_pause_ms"] = Math.Round(gcPauseMs, 1),
        };
        if (s.Json) Console.WriteLine(o.ToJsonString());
        else AnsiConsole.MarkupLine($"[bold]{s.Model}[/]: {epochS:F2} s/epoch, {train.Count / epochS:N0} train img/s, {inferImgS:N0} inference img/s (batch 256; {forwardImgS:N0} forwards only), " +
            $"{batch1Ms:F3} ms per single-image forward, " +
            $"test accuracy {ev.Accuracy:P2}, peak RSS {rss:F0} MB ({trainRss:F0} MB while training; live heap after each epoch's last full GC {heapMb.ToJsonString()} MB, " +
            $"GCs gen0/1/2 {gcCounts.ToJsonString()}), {allocThread / Math.Max(steps, 1):N0} B allocated per step on the training thread ({allocTotal / Math.Max(steps, 1):N0} B all threads)");
        return 0;
    }

    /// <summary>
    /// Plain forwards in eval mode without gradients: images/s over one fixed batch of 256 (median of 9 timed calls
    /// after 0.2 s of warm-up), and the median milliseconds of <paramref name="reps"/> single-image forwards (after
    /// 0.2 s of warm-up).
    /// </summary>
    static (double ImagesPerS, double Batch1Ms) TimeForwards(Module model, DataLoader testLoader, Dataset test, int reps)
    {
        Tensor? big = null;
        foreach (var batch in testLoader) { big = batch.Input; break; }
        var one = test.Get(0).Input.Unsqueeze(0);
        bool wasTraining = model.IsTraining;
        model.Eval();
        try
        {
            using var _ = Autograd.NoGrad();
            var times = new List<double>();
            var sw = Stopwatch.StartNew();
            for (int i = 0; i < 2 || sw.Elapsed.TotalSeconds < 0.2; i++) model.Call(big!);
            for (int r = 0; r < 9; r++)
            {
                long t0 = Stopwatch.GetTimestamp();
                model.Call(big!);
                times.Add(Stopwatch.GetElapsedTime(t0).TotalSeconds);
            }
            double imgS = big!.Shape[0] / BenchUtil.Median(times);
            times.Clear();
            sw.Restart();
            for (int i = 0; i < 10 || sw.Elapsed.TotalSeconds < 0.2; i++) model.Call(one);
            for (int r = 0; r < reps; r++)
            {
                long t0 = Stopwatch.GetTimestamp();
                model.Call(one);
                times.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
            }
            return (imgS, BenchUtil.Median(times));
        }
        finally { model.Train(wasTraining); }
    }

    static int[] Shuffled(int n, int seed)
    {
        var p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        new Generator(seed).Shuffle(p.AsSpan());
        return p;
    }
}
