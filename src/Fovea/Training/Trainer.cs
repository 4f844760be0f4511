using System.Diagnostics;
using System.Text.Json.Nodes;
using Fovea.Data;
using Fovea.IO;
using Fovea.NN;
using Fovea.Optim;

namespace Fovea.Training;

/// <summary>
/// Owns the training loop so that applications do not write their own: epochs, per-epoch validation, metrics,
/// learning-rate schedule, best-model and resume checkpoints, early stopping, a NaN/Inf guard and cancellation.
/// <para>
/// Exact resume: <c>last.ckpt</c> holds the model (parameters and buffers), the optimizer, the scheduler, the data
/// loader (epoch, position, generator) and <see cref="Generator.Default"/> (dropout masks), plus the epoch's running
/// sums; <see cref="Resume"/> restores all of it, so an interrupted run ends with bitwise the same weights as an
/// uninterrupted one.
/// </para>
/// </summary>
public sealed class Trainer
{
    readonly Module _model;
    readonly Loss _loss;
    readonly Optimizer _optimizer;
    readonly LRScheduler? _scheduler;
    readonly DataLoader _train;
    readonly DataLoader? _validation;
    readonly TrainerOptions _options;
    readonly List<EpochMetrics> _history = [];

    // Running state of the current epoch (saved for resume).
    int _epoch;
    double _lossSum, _elapsedBefore, _epochElapsedBefore;
    long _correct, _seen;
    double _bestAccuracy = double.NegativeInfinity;
    int _epochsWithoutImprovement;

    public Trainer(Module model, Loss loss, Optimizer optimizer, DataLoader train, DataLoader? validation = null,
        LRScheduler? scheduler = null, TrainerOptions? options = null)
    {
        _model = model ?? throw new ArgumentNullException(nameof(model));
        _loss = loss ?? throw new ArgumentNullException(nameof(loss));
        _optimizer = optimizer ?? throw new ArgumentNullException(nameof(optimizer));
        _train = train ?? throw new ArgumentNullException(nameof(train));
        _validation = validation;
        _scheduler = scheduler;
        _options = options ?? new TrainerOptions();
        if (_options.Epochs < 0) throw new ArgumentException($"Trainer: epochs must be non-negative, got {_options.Epochs}.");
    }

    /// <summary>After every training batch.</summary>
    public event Action<BatchProgress>? BatchEnd;
    /// <summary>After every epoch (validation included).</summary>
    public event Action<EpochMetrics>? EpochEnd;

    /// <summary>Epochs finished so far.</summary>
    public int EpochsDone => _epoch;
    /// <summary>Per-epoch metrics so far.</summary>
    public IReadOnlyList<EpochMetrics> History => _history;

    /// <summary>Path of the full-state checkpoint, or null when no folder was given.</summary>
    public string? LastCheckpointPath => _options.CheckpointDir is null ? null : Path.Combine(_options.CheckpointDir, "last.ckpt");
    /// <summary>Path of the best model so far (by validation accuracy, or the last epoch without validation).</summary>
    public string? BestCheckpointPath => _options.CheckpointDir is null ? null : Path.Combine(_options.CheckpointDir, "best.ckpt");

    /// <summary>Trains until <see cref="TrainerOptions.Epochs"/> epochs are done, early stopping, divergence or cancellation.</summary>
    public TrainingResult Fit(CancellationToken cancellation = default)
    {
        if (_options.CheckpointDir != null) Directory.CreateDirectory(_options.CheckpointDir);
        var total = Stopwatch.StartNew();
        var parameters = _model.Parameters().Where(p => p.RequiresGrad).ToArray();
        int batchesPerEpoch = _train.BatchesPerEpoch;
        while (_epoch < _options.Epochs)
        {
            _model.Train();
            var epochClock = Stopwatch.StartNew();
            int batchIndex = _train.Position;
            foreach (var batch in _train)
            {
                var input = _options.InputTransform is { } transform ? transform(_model, batch) : batch.Input;
                _optimizer.ZeroGrad();
                var logits = _model.Call(input);
                var loss = _loss.Forward(logits, batch.Target);
                float lv = loss.Item();
                if (!float.IsFinite(lv))
                {
                    _optimizer.ZeroGrad();
                    string kept = LastCheckpointPath != null && File.Exists(LastCheckpointPath) ? $" The last good state is in {LastCheckpointPath}." : "";
                    return Finish(StopReason.Diverged, $"The loss became {lv} at epoch {_epoch + 1}, batch {batchIndex + 1}; training stopped (try a lower learning rate or gradient clipping).{kept}", total);
                }
                loss.Backward();
                if (_options.ClipGradNorm is float clip) ClipGrad.Norm(parameters, clip);
                _optimizer.Step();
                if (_options.SchedulerStepPerBatch) _scheduler?.Step();

                _lossSum += (double)lv * batch.Count;
                _correct += CountCorrect(logits, batch);
                _seen += batch.Count;
                batchIndex++;
                double seconds = _epochElapsedBefore + epochClock.Elapsed.TotalSeconds;
                BatchEnd?.Invoke(new BatchProgress(_epoch + 1, _options.Epochs, batchIndex, batchesPerEpoch, _lossSum / _seen,
                    (double)_correct / _seen, _seen / Math.Max(seconds, 1e-9), _optimizer.LearningRate));

                if (cancellation.IsCancellationRequested)
                {
                    _epochElapsedBefore += epochClock.Elapsed.TotalSeconds;
                    SaveLast(total);
                    return Finish(StopReason.Cancelled, $"Interrupted at epoch {_epoch + 1}, batch {batchIndex}; state saved{(LastCheckpointPath is null ? "" : " to " + LastCheckpointPath)} (resume continues exactly).", total);
                }
                if (_options.SaveEveryBatches > 0 && batchIndex % _options.SaveEveryBatches == 0 && batchIndex < batchesPerEpoch)
                {
                    _epochElapsedBefore += epochClock.Elapsed.TotalSeconds;
                    epochClock.Restart();
                    SaveLast(total);
                }
            }
            double trainSeconds = _epochElapsedBefore + epochClock.Elapsed.TotalSeconds;
            double? valLoss = null, valAcc = null;
            if (_validation != null)
            {
                var ev = Evaluator.Evaluate(_model, _validation, _loss);
                valLoss = ev.Loss; valAcc = ev.Accuracy;
            }
            var m = new EpochMetrics(_epoch + 1, _seen == 0 ? double.NaN : _lossSum / _seen, _seen == 0 ? double.NaN : (double)_correct / _seen,
                valLoss, valAcc, _optimizer.LearningRate, trainSeconds, _seen / Math.Max(trainSeconds, 1e-9));
            if (!_options.SchedulerStepPerBatch) _scheduler?.Step();
            _history.Add(m);
            _epoch++;
            _lossSum = 0; _correct = 0; _seen = 0; _epochElapsedBefore = 0;

            double score = valAcc ?? m.TrainAccuracy;
            bool improved = score > _bestAccuracy;
            if (improved) { _bestAccuracy = score; _epochsWithoutImprovement = 0; SaveBest(); }
            else _epochsWithoutImprovement++;
            SaveLast(total);
            EpochEnd?.Invoke(m);

            if (_options.EarlyStopPatience is int patience && _validation != null && _epochsWithoutImprovement >= patience && _epoch < _options.Epochs)
                return Finish(StopReason.EarlyStopped, $"Validation accuracy has not improved for {patience} epochs; stopped after epoch {_epoch}.", total);
            if (cancellation.IsCancellationRequested)
                return Finish(StopReason.Cancelled, $"Interrupted after epoch {_epoch}; state saved (resume continues exactly).", total);
        }
        return Finish(StopReason.Completed, $"Trained {_epoch} epochs.", total);
    }

    TrainingResult Finish(StopReason reason, string message, Stopwatch total)
    {
        double seconds = _elapsedBefore + total.Elapsed.TotalSeconds;
        return new TrainingResult(_history.ToArray(), reason, message, _bestAccuracy, seconds);
    }

    static long CountCorrect(Tensor logits, Batch batch)
    {
        if (logits.Rank != 2) return 0;
        int classes = logits.Shape[1];
        var l = logits.Contiguous().Span;
        long correct = 0;
        for (int i = 0; i < batch.Count; i++)
            if (Evaluator.ArgMax(l.Slice(i * classes, classes)) == batch.Label(i)) correct++;
        return correct;
    }

    // ---- checkpoints ----

    void SaveBest()
    {
        if (BestCheckpointPath is null) return;
        var meta = new JsonObject
        {
            ["kind"] = "fovea-model",
            ["model"] = _options.ModelMetadata?.DeepClone(),
            ["epoch"] = _epoch,
            ["history"] = HistoryJson(),
        };
        Checkpoint.Save(BestCheckpointPath, Prefixed("model.", _model.StateDict()), meta);
    }

    void SaveLast(Stopwatch total)
    {
        if (LastCheckpointPath is null) return;
        var tensors = Prefixed("model.", _model.StateDict())
            .Concat(Prefixed("optimizer.", _optimizer.StateDict()));
        if (_scheduler != null) tensors = tensors.Concat(Prefixed("scheduler.", _scheduler.StateDict()));
        var meta = new JsonObject
        {
            ["kind"] = "fovea-training-state",
            ["model"] = _options.ModelMetadata?.DeepClone(),
            ["epoch"] = _epoch,
            ["history"] = HistoryJson(),
            ["trainer"] = new JsonObject
            {
                ["loss_sum"] = _lossSum,
                ["correct"] = _correct,
                ["seen"] = _seen,
                ["best_accuracy"] = double.IsNegativeInfinity(_bestAccuracy) ? null : _bestAccuracy,
                ["epochs_without_improvement"] = _epochsWithoutImprovement,
                ["elapsed_s"] = _elapsedBefore + total.Elapsed.TotalSeconds,
                ["epoch_elapsed_s"] = _epochElapsedBefore,
                ["loader"] = Convert.ToBase64String(_train.GetState().ToBytes()),
                ["default_generator"] = Convert.ToBase64String(Generator.Default.GetState()),
            },
        };
        Checkpoint.Save(LastCheckpointPath, tensors.ToList(), meta);
    }

    /// <summary>
    /// Restores everything <c>last.ckpt</c> holds (model, optimizer, scheduler, data order, random state, history),
    /// so that <see cref="Fit"/> continues where the saved run stopped.
    /// </summary>
    public void Resume(string lastCheckpointPath)
    {
        var data = Checkpoint.Load(lastCheckpointPath);
        var meta = data.Metadata;
        if ((string?)meta["kind"] != "fovea-training-state")
            throw new FoveaFormatException($"{lastCheckpointPath}: not a training-state checkpoint (kind '{(string?)meta["kind"]}'); resume needs a last.ckpt.");
        _model.LoadStateDict(Unprefixed("model.", data.Tensors));
        _optimizer.LoadStateDict(Unprefixed("optimizer.", data.Tensors));
        if (_scheduler != null) _scheduler.LoadStateDict(Unprefixed("scheduler.", data.Tensors));
        var t = meta["trainer"]?.AsObject() ?? throw new FoveaFormatException($"{lastCheckpointPath}: the trainer state is missing.");
        _epoch = (int)meta["epoch"]!;
        _lossSum = (double)t["loss_sum"]!;
        _correct = (long)t["correct"]!;
        _seen = (long)t["seen"]!;
        _bestAccuracy = t["best_accuracy"] is JsonNode b ? (double)b : double.NegativeInfinity;
        _epochsWithoutImprovement = (int)t["epochs_without_improvement"]!;
        _elapsedBefore = (double)t["elapsed_s"]!;
        _epochElapsedBefore = (double)t["epoch_elapsed_s"]!;
        _train.SetState(DataLoaderState.FromBytes(Convert.FromBase64String((string)t["loader"]!)));
        Generator.Default.SetState(Convert.FromBase64String((string)t["default_generator"]!));
        _history.Clear();
        foreach (var h in meta["history"]?.AsArray() ?? [])
            _history.Add(new EpochMetrics((int)h!["epoch"]!, (double)h["train_loss"]!, (double)h["train_accuracy"]!,
                (double?)h["val_loss"], (double?)h["val_accuracy"], (double)h["lr"]!, (double)h["seconds"]!, (double)h["images_per_s"]!));
    }

    JsonArray HistoryJson()
    {
        var a = new JsonArray();
        foreach (var m in _history)
            a.Add(new JsonObject
            {
                ["epoch"] = m.Epoch, ["train_loss"] = m.TrainLoss, ["train_accuracy"] = m.TrainAccuracy,
                ["val_loss"] = m.ValidationLoss, ["val_accuracy"] = m.ValidationAccuracy, ["lr"] = m.LearningRate,
                ["seconds"] = m.Seconds, ["images_per_s"] = m.ImagesPerSecond,
            });
        return a;
    }

    internal static IEnumerable<KeyValuePair<string, Tensor>> Prefixed(string prefix, IEnumerable<KeyValuePair<string, Tensor>> items) =>
        items.Select(kv => new KeyValuePair<string, Tensor>(prefix + kv.Key, kv.Value));

    internal static Dictionary<string, Tensor> Unprefixed(string prefix, IEnumerable<KeyValuePair<string, Tensor>> items) =>
        items.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal)).ToDictionary(kv => kv.Key[prefix.Length..], kv => kv.Value);
}
