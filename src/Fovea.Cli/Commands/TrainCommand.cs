using System.ComponentModel;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Fovea.Data;
using Fovea.Data.Transforms;
using Fovea.Imaging;
using Fovea.NN;
using Fovea.Optim;
using Fovea.Training;
using Fovea.Vision.Models;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Fovea.Cli.Commands;

/// <summary><c>fovea train</c>: the main job — train a zoo CNN, evaluate it on the test set, write the run folder.</summary>
public sealed class TrainCommand : Command<TrainCommand.Settings>
{
    public sealed class Settings : CommonSettings
    {
        [CommandOption("--model <NAME>")][Description("Zoo model (see `fovea models`). Default: cnn-bn.")]
        public string Model { get; set; } = "cnn-bn";
        [CommandOption("--dataset <NAME>")][Description("fashion-mnist (default), mnist, cifar10, cifar100, folder.")]
        public string? Dataset { get; set; }
        [CommandOption("--data <DIR>")][Description("Data folder. Without it, fashion-mnist uses the embedded subset.")]
        public string? Data { get; set; }
        [CommandOption("--epochs <N>")][Description("Epochs (default 15).")]
        public int Epochs { get; set; } = 15;
        [CommandOption("--batch-size <B>")][Description("Mini-batch size (default 128).")]
        public int BatchSize { get; set; } = 128;
        [CommandOption("--lr <X>")][Description("Peak learning rate (default: 1e-3 for adam/adamw, 0.05 for sgd).")]
        public float? Lr { get; set; }
        [CommandOption("--optimizer <NAME>")][Description("sgd (momentum 0.9, Nesterov), adam (default), adamw.")]
        public string Optimizer { get; set; } = "adam";
        [CommandOption("--weight-decay <X>")][Description("Weight decay (default: 5e-4 for sgd, 0 for adam, 0.05 for adamw).")]
        public float? WeightDecay { get; set; }
        [CommandOption("--schedule <NAME>")][Description("none, cosine (default), step (x0.1 at 50% and 75%), onecycle.")]
        public string Schedule { get; set; } = "cosine";
        [CommandOption("--warmup <N>")][Description("Linear warm-up epochs before the schedule (default 0).")]
        public int Warmup { get; set; }
        [CommandOption("--augment <LIST>")][Description("Comma-separated: crop, flip, affine, erasing (default none).")]
        public string? Augment { get; set; }
        [CommandOption("--label-smoothing <X>")][Description("Cross-entropy label smoothing (default 0).")]
        public float LabelSmoothing { get; set; }
        [CommandOption("--val-split <F>")][Description("Hold out this fraction of the training set for validation and best-model selection (default 0: the test set is only monitored).")]
        public double ValSplit { get; set; }
        [CommandOption("--patience <N>")][Description("Early stopping: epochs without validation improvement (needs --val-split).")]
        public int? Patience { get; set; }
        [CommandOption("--clip-grad <X>")][Description("Clip the global gradient norm to X.")]
        public float? ClipGrad { get; set; }
        [CommandOption("--seed <S>")][Description("Seed for initialisation, data order, augmentation and dropout (default 1).")]
        public int Seed { get; set; } = 1;
        [CommandOption("--out <DIR>")][Description("Run folder (default runs/MODEL; with --init, runs/MODEL-finetuned).")]
        public string? Out { get; set; }
        [CommandOption("--resume")][Description("Continue the run in --out exactly where it stopped (its last.ckpt).")]
        public bool Resume { get; set; }
        [CommandOption("--limit <N>")][Description("Use only the first N training images (quick checks).")]
        public int? Limit { get; set; }
        [CommandOption("--per-class <N>")][Description("Few-shot: train on N labelled images per class (seeded); the rest of the training set becomes the test set when the data set has no test split (digits).")]
        public int? PerClass { get; set; }
        [CommandOption("--image-size <S>")][Description("Resize the images to S x S (default: as stored; a checkpoint given with --init sets it).")]
        public int? ImageSize { get; set; }
        [CommandOption("--init <CKPT>")][Description("Start from a checkpoint written by `fovea train` (transfer learning): its architecture, weights and normalisation; or from an ONNX classifier (MODEL.onnx: input shape from its graph, normalisation from its fovea.mean/fovea.std metadata, else mean 0 std 1).")]
        public string? Init { get; set; }
        [CommandOption("--freeze <PATTERN>")][Description("Freeze parameters whose names match a glob (e.g. '0.*' or 'stages.*'), after --init.")]
        public string? Freeze { get; set; }
        [CommandOption("--head <N>")][Description("Replace the last Linear layer by a fresh one with N outputs (with --init).")]
        public int? Head { get; set; }
        [CommandOption("--adversarial <KIND>")][Description("Adversarial training: pgd (Madry et al., L∞ PGD from a random start) or fgsm (Wong et al. fast FGSM with random start). Default: none.")]
        public string? Adversarial { get; set; }
        [CommandOption("--eps <X>")][Description("Adversarial training: L∞ budget in pixel units [0,1] (default 0.1).")]
        public float Eps { get; set; } = 0.1f;
        [CommandOption("--steps <K>")][Description("Adversarial training: PGD steps (default 7).")]
        public int Steps { get; set; } = 7;
        [CommandOption("--alpha <A>")][Description("Adversarial training: step size in pixels (default: 2.5·eps/steps for pgd, 1.25·eps for fgsm).")]
        public float? Alpha { get; set; }

        public override ValidationResult Validate()
        {
            if (Epochs < 1) return ValidationResult.Error($"--epochs must be at least 1, got {Epochs}.");
            if (BatchSize < 1) return ValidationResult.Error($"--batch-size must be at least 1, got {BatchSize}.");
            if (Lr is <= 0 or float.NaN) return ValidationResult.Error($"--lr must be positive, got {Lr}.");
            if (ValSplit is < 0 or >= 1) return ValidationResult.Error($"--val-split must be in [0, 1), got {ValSplit}.");
            if (Warmup < 0 || Warmup >= Epochs && Warmup > 0) return ValidationResult.Error($"--warmup must be in [0, epochs), got {Warmup}.");
            if (Adversarial is not (null or "pgd" or "fgsm")) return ValidationResult.Error($"--adversarial must be pgd or fgsm, got '{Adversarial}'.");
            if (Adversarial is not null && !(Eps > 0 && Eps <= 1)) return ValidationResult.Error($"--eps must be in (0, 1], got {Eps}.");
            if (Steps < 1) return ValidationResult.Error($"--steps must be at least 1, got {Steps}.");
            if (Alpha is not null && !(Alpha > 0)) return ValidationResult.Error($"--alpha must be positive, got {Alpha}.");
            if (!ModelZoo.Descriptions.ContainsKey(Model)) return ValidationResult.Error($"Unknown model '{Model}'. Known: {string.Join(", ", ModelZoo.Names)}.");
            if (Head is not null && Init is null) return ValidationResult.Error("--head needs --init (it replaces the head of a pretrained model).");
            if (Head is < 2) return ValidationResult.Error($"--head must be at least 2, got {Head}.");
            if (PerClass is < 1) return ValidationResult.Error($"--per-class must be positive, got {PerClass}.");
            if (ImageSize is < 4) return ValidationResult.Error($"--image-size must be at least 4, got {ImageSize}.");
            return ValidationResult.Success();
        }
    }

    public override int Execute(CommandContext context, Settings s, CancellationToken cancellationToken)
    {
        s.ApplyThreads();
        var clock = Stopwatch.StartNew();
        var src = DataSources.Resolve(s.Dataset, s.Data);
        Dataset trainSet = src.Train, testSet = src.Test;
        if (s.Limit is int lim)
        {
            if (lim <= 0) throw new UsageException($"--limit must be positive, got {lim}.");
            trainSet = trainSet.Select([.. Enumerable.Range(0, Math.Min(lim, trainSet.Count))]);
        }
        if (s.PerClass is int perClass)
        {
            var (few, rest) = UciDigits.FewShotSplit(trainSet, perClass, s.Seed);
            trainSet = few;
            if (ReferenceEquals(src.Train, src.Test)) testSet = rest;     // one pool (digits): the rest is the test set
        }
        else if (ReferenceEquals(src.Train, src.Test))
            throw new UsageException($"--dataset {s.Dataset} has no separate test set: pass --per-class N (few-shot split) or --val-split.");
        Dataset? valSet = null;
        if (s.ValSplit > 0) (trainSet, valSet) = trainSet.Split(s.ValSplit, s.Seed, stratify: true);

        var shape = trainSet.SampleShape;
        int channels = shape.Rank == 3 ? shape[0] : 1, stored = shape[^1];
        var classNames = src.Train.ClassNames.Count > 0 ? src.Train.ClassNames.ToArray() : [.. Enumerable.Range(0, src.Train.NumClasses).Select(i => i.ToString())];
        Module model;
        ModelSpec spec;
        string initNote = "";
        if (s.Init is not null)
            (model, spec, initNote) = OnnxInit.IsOnnx(s.Init) ? OnnxInit.Pretrained(s.Init, s.Head, classNames, channels, s.ImageSize ?? stored, s.Seed)
                : Pretrained(s, classNames, channels);
        else
        {
            spec = new ModelSpec(s.Model, channels, s.ImageSize ?? stored, classNames, src.Mean, src.Std);
            model = spec.Build(new Generator(s.Seed));
        }
        int size = spec.ImageSize;
        var prep = new List<Transform>();
        if (channels != spec.InChannels) prep.Add(spec.InChannels == 1 ? new ToGrey() : new ToRgb());
        if (stored != size || shape[^2] != size) prep.Add(new Resize(size));
        var evalTransforms = prep.Append(new Normalize(spec.Mean, spec.Std)).ToArray();
        var trainLoader = new DataLoader(trainSet, s.BatchSize, shuffle: true, generator: new Generator(s.Seed + 1), dropLast: false,
            transforms: prep.Concat(TrainTransforms(s.Augment, spec, size)));
        var monitorLoader = new DataLoader(valSet ?? testSet, 256, transforms: evalTransforms);

        Generator.ManualSeed(s.Seed + 2);       // dropout masks
        if (s.Freeze is not null) model.Freeze(s.Freeze);
        var optimizer = MakeOptimizer(s, model);
        var (scheduler, perBatch) = MakeScheduler(s, optimizer, trainLoader.BatchesPerEpoch);
        // A pretrained start is named after its own architecture, and by default written beside the run it came
        // from (runs/NAME-finetuned), never over it.
        if (s.Init is not null) s.Model = spec.Name;
        string outDir = s.Out ?? Path.Combine("runs", s.Init is null ? s.Model : s.Model + "-finetuned");
        OnnxInit.WriteGraph(model, spec, outDir);     // an ONNX model's graph goes next to its checkpoints
        var trainer = new Trainer(model, new CrossEntropyLoss(labelSmoothing: s.LabelSmoothing), optimizer, trainLoader, monitorLoader, scheduler,
            new TrainerOptions
            {
                Epochs = s.Epochs, CheckpointDir = outDir, SchedulerStepPerBatch = perBatch, ClipGradNorm = s.ClipGrad,
                EarlyStopPatience = valSet is null ? null : s.Patience, ModelMetadata = spec.ToJson(),
                InputTransform = s.Adversarial switch
                {
                    "pgd" => Robust.AdversarialTraining.Pgd(src.Mean, src.Std, s.Eps, s.Alpha ?? 2.5f * s.Eps / s.Steps, s.Steps, new Generator(s.Seed + 3)),
                    "fgsm" => Robust.AdversarialTraining.FastFgsm(src.Mean, src.Std, s.Eps, s.Alpha, new Generator(s.Seed + 3)),
                    _ => null,
                },
            });
        if (s.Resume)
        {
            string last = Path.Combine(outDir, "last.ckpt");
            if (!File.Exists(last)) throw new UsageException($"--resume: {last} does not exist (pass the run folder with --out).");
            trainer.Resume(last);
        }

        string monitorName = valSet is null ? "test" : "val";
        if (!s.Json)
        {
            AnsiConsole.MarkupLine($"[bold]fovea train[/] {Markup.Escape(s.Model)} on {Markup.Escape(src.Description)}: {trainSet.Count:N0} training images, " +
                $"{(valSet is null ? "" : $"{valSet.Count:N0} validation, ")}{testSet.Count:N0} test, {s.Epochs} epochs, batch {s.BatchSize}, " +
                $"{s.Optimizer} lr {optimizer.LearningRate:G3}, {s.Schedule} schedule, {Kernels.Parallelism.MaxThreads} threads" +
                (s.Adversarial is null ? "" : $", adversarial {s.Adversarial} eps {s.Eps:G3}" + (s.Adversarial == "pgd" ? $" steps {s.Steps}" : "")));
            long parameters = model.Parameters().Sum(p => (long)p.Numel), trainable = model.Parameters().Where(p => p.RequiresGrad).Sum(p => (long)p.Numel);
            if (initNote.Length > 0) AnsiConsole.MarkupLine($"  {Markup.Escape(initNote)}");
            AnsiConsole.MarkupLine($"  {parameters:N0} parameters ({trainable:N0} trainable); run folder [blue]{Markup.Escape(outDir)}[/]" + (s.Resume ? $"; resuming after epoch {trainer.EpochsDone}" : ""));
        }

        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            if (cts.IsCancellationRequested) return;        // a second Ctrl+C ends the process at once
            e.Cancel = true;
            cts.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        TrainingResult result;
        try { result = RunWithProgress(trainer, s, monitorName, cts.Token); }
        finally { Console.CancelKeyPress -= onCancel; }

        if (result.Reason == StopReason.Diverged)
        {
            AnsiConsole.MarkupLine($"[red]diverged:[/] {Markup.Escape(result.Message)}");
            return 3;
        }
        if (result.Reason == StopReason.Cancelled)
        {
            AnsiConsole.MarkupLine($"[yellow]stopped:[/] {Markup.Escape(result.Message)} Continue with: fovea train ... --out {outDir} --resume");
            return 130;
        }

        // The reported test accuracy is the final model's: no selection on the test set.
        var test = Evaluator.Evaluate(model, new DataLoader(testSet, 256, transforms: evalTransforms), numClasses: spec.NumClasses);
        if (s.Init is not null) model.Unfreeze();      // the saved model is a whole model again
        OnnxInit.WriteGraph(model, spec, outDir);
        string modelPath = Path.Combine(outDir, "model.ckpt");
        IO.Checkpoint.Save(modelPath, model.StateDict().Select(kv => new KeyValuePair<string, Tensor>("model." + kv.Key, kv.Value)),
            new JsonObject { ["kind"] = "fovea-model", ["model"] = spec.ToJson(), ["test_accuracy"] = test.Accuracy });
        var metrics = MetricsJson(s, src, trainSet, valSet, testSet, result, test, clock.Elapsed.TotalSeconds, monitorName);
        File.WriteAllText(Path.Combine(outDir, "metrics.json"), metrics.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        var h = result.History;
        Plots.TrainingCurves(Path.Combine(outDir, "curves.png"), [.. h.Select(m => m.TrainLoss)], [.. h.Select(m => m.ValidationLoss ?? double.NaN)],
            [.. h.Select(m => m.TrainAccuracy)], [.. h.Select(m => m.ValidationAccuracy ?? double.NaN)], $"{s.Model} on {src.Name}", validationLabel: monitorName);
        Plots.ConfusionMatrix(Path.Combine(outDir, "confusion.png"), test.Confusion, test.ClassNames, $"{s.Model}, test set");

        if (s.Json) { Console.WriteLine(metrics.ToJsonString()); return 0; }
        PrintResult(test, result, outDir, clock.Elapsed.TotalSeconds);
        return 0;
    }

    static TrainingResult RunWithProgress(Trainer trainer, Settings s, string monitorName, CancellationToken ct)
    {
        void EpochLine(EpochMetrics m) => AnsiConsole.MarkupLine(
            $"epoch {m.Epoch,3}/{s.Epochs}  loss {m.TrainLoss:F4}  acc {m.TrainAccuracy:P2}  {monitorName} loss {m.ValidationLoss:F4}  {monitorName} acc [bold]{m.ValidationAccuracy:P2}[/]  " +
            $"lr {m.LearningRate:G3}  {m.Seconds:F1} s  {m.ImagesPerSecond:N0} img/s");
        if (s.Json) return trainer.Fit(ct);
        if (!AnsiConsole.Profile.Capabilities.Interactive)
        {
            trainer.EpochEnd += EpochLine;
            return trainer.Fit(ct);
        }
        TrainingResult? result = null;
        AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(ctx =>
            {
                ProgressTask? task = null;
                int taskEpoch = -1;
                trainer.BatchEnd += p =>
                {
                    if (p.Epoch != taskEpoch)
                    {
                        task?.StopTask();
                        task = ctx.AddTask($"epoch {p.Epoch}/{p.Epochs}", maxValue: p.BatchesPerEpoch);
                        taskEpoch = p.Epoch;
                    }
                    task!.Value = p.Batch;
                    task.Description = $"epoch {p.Epoch}/{p.Epochs}  loss {p.Loss:F4}  acc {p.Accuracy:P1}  {p.ImagesPerSecond:N0} img/s";
                };
                trainer.EpochEnd += m =>
                {
                    if (task is null) return;
                    task.Description = $"epoch {m.Epoch}/{s.Epochs}  loss {m.TrainLoss:F4}  acc {m.TrainAccuracy:P1}  {monitorName} acc {m.ValidationAccuracy:P2}  {m.Seconds:F1} s";
                    task.Value = task.MaxValue;
                    task.StopTask();
                    task = null; taskEpoch = -1;
                };
                result = trainer.Fit(ct);
            });
        return result!;
    }

    /// <summary>Transfer learning: the checkpoint's architecture and weights, a fresh head when asked, its normalisation.</summary>
    static (Module Model, ModelSpec Spec, string Note) Pretrained(Settings s, string[] classNames, int channels)
    {
        var (pre, preSpec) = ModelSpec.LoadCheckpoint(s.Init!);
        pre.Train();
        if (s.Head is null && preSpec.NumClasses != classNames.Length)
            throw new UsageException($"--init {s.Init} predicts {preSpec.NumClasses} classes but the data has {classNames.Length}: pass --head {classNames.Length}.");
        if (s.Head is int h && h != classNames.Length)
            throw new UsageException($"--head {h} does not match the data's {classNames.Length} classes.");
        var spec = new ModelSpec(preSpec.Name, preSpec.InChannels, s.ImageSize ?? preSpec.ImageSize, classNames, preSpec.Mean, preSpec.Std,
            preSpec.Graph is null ? null : OnnxInit.GraphFile);
        if (s.Head is null) return (pre, spec, $"initialised from {s.Init} ({preSpec.Name})");
        if (pre is Onnx.OnnxModule onnx)
        {
            onnx.ReplaceHead(classNames.Length, new Generator(s.Seed));
            return (onnx, spec, $"initialised from {s.Init} ({preSpec.Name}); new head with {classNames.Length} outputs");
        }
        // A fresh model of the same architecture with the new class count; every weight but the last Linear's copied.
        var model = spec.Build(new Generator(s.Seed));
        var head = model.NamedModules().Last(m => m.Module is Linear).Name;
        var state = pre.StateDict().Where(kv => !kv.Key.StartsWith(head + ".", StringComparison.Ordinal)).ToDictionary(kv => kv.Key, kv => kv.Value);
        model.LoadStateDict(state, strict: false);
        return (model, spec, $"initialised from {s.Init} ({preSpec.Name}); new head '{head}' with {classNames.Length} outputs");
    }

    static IEnumerable<Transform> TrainTransforms(string? augment, ModelSpec spec, int size)
    {
        var list = new List<Transform>();
        var names = (augment ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var n in names)
            if (n is not ("crop" or "flip" or "affine" or "erasing"))
                throw new UsageException($"Unknown augmentation '{n}'. Known: crop, flip, affine, erasing.");
        if (names.Contains("crop")) list.Add(new RandomCrop(size, padding: Math.Max(2, size / 8)));
        if (names.Contains("flip")) list.Add(new RandomHorizontalFlip());
        if (names.Contains("affine")) list.Add(new RandomAffine(10, 0.1f, 0.1f, 0.9f, 1.1f));
        list.Add(new Normalize(spec.Mean, spec.Std));
        if (names.Contains("erasing")) list.Add(new RandomErasing());
        return list;
    }

    static Optimizer MakeOptimizer(Settings s, Module model)
    {
        var ps = model.Parameters().Where(p => p.RequiresGrad).ToArray();
        return s.Optimizer.ToLowerInvariant() switch
        {
            "sgd" => new SGD(ps, s.Lr ?? 0.05f, momentum: 0.9f, weightDecay: s.WeightDecay ?? 5e-4f, nesterov: true),
            "adam" => new Adam(ps, s.Lr ?? 1e-3f, weightDecay: s.WeightDecay ?? 0f),
            "adamw" => new AdamW(ps, s.Lr ?? 1e-3f, weightDecay: s.WeightDecay ?? 0.05f),
            _ => throw new UsageException($"Unknown optimizer '{s.Optimizer}'. Known: sgd, adam, adamw."),
        };
    }

    static (LRScheduler? Scheduler, bool PerBatch) MakeScheduler(Settings s, Optimizer opt, int batchesPerEpoch)
    {
        int main = s.Epochs - s.Warmup;
        LRScheduler? core = s.Schedule.ToLowerInvariant() switch
        {
            "none" => null,
            "cosine" => new CosineAnnealingLR(opt, main),
            "step" => new MultiStepLR(opt, [Math.Max(1, main / 2), Math.Max(1, main * 3 / 4)]),
            "onecycle" => new OneCycleLR(opt, opt.LearningRate, s.Epochs * batchesPerEpoch),
            _ => throw new UsageException($"Unknown schedule '{s.Schedule}'. Known: none, cosine, step, onecycle."),
        };
        if (s.Schedule.Equals("onecycle", StringComparison.OrdinalIgnoreCase))
        {
            if (s.Warmup > 0) throw new UsageException("--warmup does not combine with --schedule onecycle (it has its own warm-up).");
            return (core, true);
        }
        if (s.Warmup == 0) return (core, false);
        var warm = new LinearLR(opt, startFactor: 0.1f, endFactor: 1f, totalIters: s.Warmup);
        if (core is null) return (warm, false);
        return (new SequentialLR(opt, [warm, core], [s.Warmup]), false);
    }

    static JsonObject MetricsJson(Settings s, DataSource src, Dataset train, Dataset? val, Dataset test, TrainingResult r, EvaluationResult t, double wall, string monitorName)
    {
        var epochs = new JsonArray();
        foreach (var m in r.History)
            epochs.Add(new JsonObject
            {
                ["epoch"] = m.Epoch, ["train_loss"] = m.TrainLoss, ["train_accuracy"] = m.TrainAccuracy,
                [$"{monitorName}_loss"] = m.ValidationLoss, [$"{monitorName}_accuracy"] = m.ValidationAccuracy,
                ["lr"] = m.LearningRate, ["seconds"] = m.Seconds, ["images_per_s"] = m.ImagesPerSecond,
            });
        var perClass = new JsonObject();
        var pc = t.PerClassAccuracy();
        for (int i = 0; i < pc.Length; i++) perClass[t.ClassNames[i]] = double.IsNaN(pc[i]) ? null : pc[i];
        return new JsonObject
        {
            ["model"] = s.Model, ["dataset"] = src.Name, ["train_images"] = train.Count, ["val_images"] = val?.Count, ["test_images"] = test.Count,
            ["epochs"] = r.History.Count, ["batch_size"] = s.BatchSize, ["optimizer"] = s.Optimizer, ["schedule"] = s.Schedule,
            ["augment"] = s.Augment ?? "", ["seed"] = s.Seed, ["init"] = s.Init, ["freeze"] = s.Freeze,
            ["adversarial"] = s.Adversarial is null ? null : new JsonObject { ["kind"] = s.Adversarial, ["eps"] = s.Eps, ["steps"] = s.Adversarial == "pgd" ? s.Steps : 1, ["alpha"] = s.Alpha }, ["threads"] = Kernels.Parallelism.MaxThreads,
            ["stop_reason"] = r.Reason.ToString(), ["history"] = epochs,
            ["test_accuracy"] = t.Accuracy, ["test_loss"] = t.Loss, [$"test_top{t.TopK}_accuracy"] = t.TopKAccuracy,
            ["test_per_class_accuracy"] = perClass, ["train_seconds"] = r.Seconds, ["wall_seconds"] = wall,
        };
    }

    static void PrintResult(EvaluationResult test, TrainingResult r, string outDir, double wall)
    {
        AnsiConsole.MarkupLine($"[green]done:[/] {Markup.Escape(r.Message)} Test accuracy [bold]{test.Accuracy:P2}[/] (top-{test.TopK} {test.TopKAccuracy:P2}, loss {test.Loss:F4}) on {test.Count:N0} images; {wall:F1} s in all.");
        AnsiConsole.MarkupLine($"  wrote {Markup.Escape(Path.Combine(outDir, "model.ckpt"))}, best.ckpt, last.ckpt, metrics.json, curves.png, confusion.png");
    }
}
