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
/// normalisation, Adam 1e-3, batch 128, shuffled; then inference throughput at batch 256 over the test set.
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
    }

    public override int Execute(CommandContext context, Settings s, CancellationToken cancellationToken)
    {
        s.ApplyThreads();
        string? dir = s.Data ?? (Directory.Exists(FashionMnist.DefaultFolder) ? FashionMnist.DefaultFolder : null);
        Dataset train = dir is null ? FashionMnist.LoadEmbedded(true) : FashionMnist.Load(dir, true);
        Dataset test = dir is null ? FashionMnist.LoadEmbedded(false) : FashionMnist.Load(dir, false);
        Generator.ManualSeed(s.Seed);
        var model = ModelZoo.Create(s.Model, 1, 10, 28, new Generator(s.Seed));
        var opt = new Adam(model.Parameters(), 1e-3f);
        var loss = new CrossEntropyLoss();
        var loader = new DataLoader(train, 128, shuffle: true, generator: new Generator(s.Seed + 1));
        var epochTimes = new List<double>();
        long allocThread = 0, allocTotal = 0, steps = 0;
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
            if (!s.Json) AnsiConsole.MarkupLine($"epoch {e + 1}: {sw.Elapsed.TotalSeconds:F2} s ({train.Count / sw.Elapsed.TotalSeconds:N0} img/s)");
        }
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
        double rss = Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024.0);
        var o = new JsonObject
        {
            ["kind"] = "train", ["model"] = s.Model, ["threads"] = Parallelism.MaxThreads, ["epochs"] = s.Epochs, ["train_images"] = train.Count,
            ["epoch_s"] = Math.Round(epochS, 3), ["train_images_per_s"] = Math.Round(train.Count / epochS, 1),
            ["infer_images_per_s"] = Math.Round(inferImgS, 1), ["peak_rss_mb"] = Math.Round(rss, 1), ["test_accuracy"] = Math.Round(ev!.Accuracy, 4),
            ["alloc_bytes_per_step_thread"] = steps == 0 ? null : allocThread / steps, ["alloc_bytes_per_step_total"] = steps == 0 ? null : allocTotal / steps,
        };
        if (s.Json) Console.WriteLine(o.ToJsonString());
        else AnsiConsole.MarkupLine($"[bold]{s.Model}[/]: {epochS:F2} s/epoch, {train.Count / epochS:N0} train img/s, {inferImgS:N0} inference img/s (batch 256), " +
            $"test accuracy {ev.Accuracy:P2}, peak RSS {rss:F0} MB, {allocThread / Math.Max(steps, 1):N0} B allocated per step on the training thread ({allocTotal / Math.Max(steps, 1):N0} B all threads)");
        return 0;
    }
}
