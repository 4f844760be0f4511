using Fovea.Data;
using Fovea.Data.Transforms;
using Fovea.IO;
using Fovea.NN;
using Fovea.Optim;
using Fovea.Training;
using Fovea.Vision.Models;

namespace Fovea.Tests.Training;

public class TrainerTests : IDisposable
{
    readonly string _dir = Path.Combine(Path.GetTempPath(), "fovea-trainer-" + Guid.NewGuid().ToString("N"));
    public void Dispose() { if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true); }

    // A small learnable problem: the class is the quadrant holding the brightest blob, plus noise.
    static TensorDataset Blobs(int n, int seed)
    {
        var g = new Generator(seed);
        var x = new float[n * 12 * 12];
        var y = new int[n];
        for (int i = 0; i < n; i++)
        {
            int c = g.NextInt(4);
            y[i] = c;
            int oy = c / 2 * 6, ox = c % 2 * 6;
            for (int p = 0; p < 144; p++) x[i * 144 + p] = 0.2f * g.NextFloat();
            for (int dy = 1; dy < 5; dy++)
                for (int dx = 1; dx < 5; dx++) x[i * 144 + (oy + dy) * 12 + ox + dx] += 0.8f;
        }
        return new TensorDataset(x, [1, 12, 12], y, ["a", "b", "c", "d"]);
    }

    sealed record Run(Module Model, Trainer Trainer);

    // cnn-bn has BatchNorm (buffers) and dropout (the default generator), with augmentation on the loader:
    // everything exact resume must restore.
    Run Make(string dir, int epochs)
    {
        Generator.ManualSeed(123);
        var model = ModelZoo.Create("cnn-bn", 1, 4, 12, new Generator(5));
        var opt = new Adam(model.Parameters(), 3e-3f);
        var sched = new CosineAnnealingLR(opt, 4);
        var train = new DataLoader(Blobs(96, 1), 16, shuffle: true, generator: new Generator(9),
            transforms: [new RandomCrop(12, padding: 1), new Normalize(0.2f, 0.3f)]);
        var val = new DataLoader(Blobs(32, 2), 32, transforms: [new Normalize(0.2f, 0.3f)]);
        var trainer = new Trainer(model, new CrossEntropyLoss(), opt, train, val, sched,
            new TrainerOptions { Epochs = epochs, CheckpointDir = dir, ModelMetadata = new() { ["name"] = "cnn-bn" } });
        return new Run(model, trainer);
    }

    static float[] Weights(Module m) => m.StateDict().Values.SelectMany(t => t.ToArray()).ToArray();

    [Fact]
    public void TrainingLearnsTheProblem()
    {
        var r = Make(Path.Combine(_dir, "learn"), 4);
        var result = r.Trainer.Fit();
        Assert.Equal(StopReason.Completed, result.Reason);
        Assert.Equal(4, result.History.Count);
        Assert.True(result.History[^1].ValidationAccuracy > 0.9, $"validation accuracy {result.History[^1].ValidationAccuracy}");
        Assert.True(File.Exists(r.Trainer.BestCheckpointPath));
    }

    [Fact]
    public void ResumingAfterTwoEpochsGivesBitwiseTheSameWeightsAsFourEpochs()
    {
        var full = Make(Path.Combine(_dir, "full"), 4);
        full.Trainer.Fit();

        var first = Make(Path.Combine(_dir, "split"), 2);
        first.Trainer.Fit();
        var second = Make(Path.Combine(_dir, "split"), 4);     // a fresh process: new model, optimizer, loader
        second.Trainer.Resume(second.Trainer.LastCheckpointPath!);
        second.Trainer.Fit();

        Assert.Equal(Weights(full.Model), Weights(second.Model));
        Assert.Equal(full.Trainer.History.Select(h => h.TrainLoss), second.Trainer.History.Select(h => h.TrainLoss));
    }

    [Fact]
    public void CancellingMidEpochAndResumingIsExactToo()
    {
        var full = Make(Path.Combine(_dir, "full2"), 2);
        full.Trainer.Fit();

        var cut = Make(Path.Combine(_dir, "cut"), 2);
        using var cts = new CancellationTokenSource();
        int batches = 0;
        cut.Trainer.BatchEnd += p => { if (++batches == 9) cts.Cancel(); };     // epoch 2, batch 3
        var stopped = cut.Trainer.Fit(cts.Token);
        Assert.Equal(StopReason.Cancelled, stopped.Reason);

        var resumed = Make(Path.Combine(_dir, "cut"), 2);
        resumed.Trainer.Resume(resumed.Trainer.LastCheckpointPath!);
        resumed.Trainer.Fit();
        Assert.Equal(Weights(full.Model), Weights(resumed.Model));
    }

    [Fact]
    public void NaNLossStopsWithAClearMessageAndKeepsTheLastGoodCheckpoint()
    {
        var dir = Path.Combine(_dir, "nan");
        var r = Make(dir, 3);
        r.Trainer.Fit();                                             // 3 good epochs on disk
        var before = File.ReadAllBytes(r.Trainer.LastCheckpointPath!);

        var model = ModelZoo.Create("fmnist-cnn", 1, 4, 12, new Generator(5));
        var opt = new SGD(model.Parameters(), 1e30f);
        var train = new DataLoader(Blobs(64, 3), 16, shuffle: true, generator: new Generator(1));
        var t = new Trainer(model, new CrossEntropyLoss(), opt, train, null, null, new TrainerOptions { Epochs = 5, CheckpointDir = Path.Combine(dir, "other") });
        var result = t.Fit();
        Assert.Equal(StopReason.Diverged, result.Reason);
        Assert.Contains("The loss became", result.Message);
        Assert.Equal(before, File.ReadAllBytes(r.Trainer.LastCheckpointPath!));
    }

    [Fact]
    public void CheckpointRebuildsTheModelWithTheSameOutputs()
    {
        var dir = Path.Combine(_dir, "spec");
        var spec = new ModelSpec("cnn-bn", 1, 12, ["a", "b", "c", "d"], [0.2f], [0.3f]);
        var model = spec.Build(new Generator(3));
        model.Eval();
        var path = Path.Combine(dir, "m.ckpt");
        Directory.CreateDirectory(dir);
        Checkpoint.Save(path, model.StateDict().Select(kv => new KeyValuePair<string, Tensor>("model." + kv.Key, kv.Value)),
            new System.Text.Json.Nodes.JsonObject { ["model"] = spec.ToJson() });
        var (loaded, spec2) = ModelSpec.LoadCheckpoint(path);
        var x = Tensor.Randn(new Generator(4), 2, 1, 12, 12);
        using var _ = Autograd.NoGrad();
        Assert.Equal(model.Call(x).ToArray(), loaded.Call(x).ToArray());
        Assert.Equal(spec.ClassNames, spec2.ClassNames);
    }

    [Fact]
    public void EveryZooModelBuildsAndRunsForGreyAndColourInputs()
    {
        foreach (var name in ModelZoo.Names)
        {
            var m = ModelZoo.Create(name, 1, 10, 28, new Generator(1));
            using (Autograd.NoGrad()) Assert.Equal(new Shape(2, 10), m.Call(Tensor.Randn(new Generator(2), 2, 1, 28, 28)).Shape);
            var c = ModelZoo.Create(name, 3, 100, 32, new Generator(1));
            using (Autograd.NoGrad()) Assert.Equal(new Shape(1, 100), c.Call(Tensor.Randn(new Generator(2), 1, 3, 32, 32)).Shape);
        }
        Assert.Throws<ArgumentException>(() => ModelZoo.Create("resnet-9000"));
    }
}
