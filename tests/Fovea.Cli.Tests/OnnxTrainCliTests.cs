using System.Text.Json.Nodes;
using Fovea.Cli;
using Fovea.Data;

namespace Fovea.Cli.Tests;

/// <summary><c>fovea train --init MODEL.onnx</c>: fine-tune an exported classifier, then eval/predict/info its run.</summary>
[Collection("console")]
public class OnnxTrainCliTests : IDisposable
{
    readonly string _dir = Path.Combine(Path.GetTempPath(), "fovea-cli-onnx-" + Guid.NewGuid().ToString("N"));
    public OnnxTrainCliTests() => Directory.CreateDirectory(_dir);
    public void Dispose() { if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true); }

    static (int Code, string Output) Run(params string[] args) => CliRunner.Run(args);

    // A small stand-in for the UCI digits file in its format (64 pixels 0..16 and a label per line): each class is a
    // bright bar at its own place plus noise, so the tests need no python3-sklearn.
    string DigitsCsv()
    {
        string path = Path.Combine(_dir, "digits.csv");
        if (File.Exists(path)) return path;
        var g = new Generator(11);
        var lines = new List<string>();
        for (int n = 0; n < 300; n++)
        {
            int c = n % 10;
            var px = new int[64];
            for (int i = 0; i < 64; i++) px[i] = g.NextInt(4);
            for (int i = 0; i < 8; i++) px[(c % 8) * 8 + i] = 12 + g.NextInt(5);
            if (c >= 8) for (int i = 0; i < 8; i++) px[i * 8 + c - 4] = 16;
            lines.Add(string.Join(",", px) + "," + c);
        }
        File.WriteAllLines(path, lines);
        return path;
    }

    [Fact]
    public void ExportedCheckpointFineTunesFromOnnxThenEvalPredictAndInfoWork()
    {
        string pre = Path.Combine(_dir, "pre"), onnx = Path.Combine(_dir, "exported", "cnn-bn.onnx"), run = Path.Combine(_dir, "run");
        var (code, output) = Run("train", "--model", "cnn-bn", "--epochs", "1", "--limit", "256", "--out", pre, "--json");
        Assert.True(code == 0, output);
        (code, output) = Run("export", "--checkpoint", Path.Combine(pre, "model.ckpt"), "--onnx", onnx, "--json");
        Assert.True(code == 0, output);

        (code, output) = Run("train", "--init", onnx, "--head", "10", "--freeze", "0.*", "--dataset", "digits", "--data", DigitsCsv(), "--per-class", "10",
            "--epochs", "3", "--batch-size", "20", "--lr", "0.003", "--out", run, "--json");
        Assert.True(code == 0, output);
        var metrics = JsonNode.Parse(File.ReadAllText(Path.Combine(run, "metrics.json")))!;
        Assert.Equal(100, (int)metrics["train_images"]!);
        Assert.InRange((double)metrics["test_accuracy"]!, 0.2, 1.0);            // 10 images per class, 3 epochs: above chance (0.1)
        Assert.True(new FileInfo(Path.Combine(run, "model.onnx")).Length > 1000);

        // The checkpoint names the graph next to it; the fashion-mnist normalisation came through the ONNX metadata.
        var meta = IO.Checkpoint.Load(Path.Combine(run, "model.ckpt")).Metadata["model"]!;
        Assert.Equal("onnx", (string)meta["name"]!);
        Assert.Equal("model.onnx", (string)meta["graph"]!);
        Assert.Equal(28, (int)meta["image_size"]!);
        Assert.Equal(0.2860f, (float)meta["mean"]![0]!, 4);

        // The run folder moves as a whole (the graph path is relative).
        string moved = Path.Combine(_dir, "moved");
        Directory.Move(run, moved);
        (code, output) = Run("eval", "--checkpoint", Path.Combine(moved, "model.ckpt"), "--dataset", "digits", "--data", DigitsCsv(), "--json");
        Assert.True(code == 0, output);
        Assert.InRange((double)JsonNode.Parse(output)!["accuracy"]!, 0.2, 1.0);
        (code, output) = Run("eval", "--checkpoint", Path.Combine(moved, "best.ckpt"), "--dataset", "digits", "--data", DigitsCsv(), "--json");
        Assert.True(code == 0, output);

        string npy = Path.Combine(_dir, "x.npy");
        IO.Npy.Save(npy, Tensor.Zeros(8, 8));
        (code, output) = Run("predict", "--checkpoint", Path.Combine(moved, "model.ckpt"), npy, "--json", "--top", "3");
        Assert.True(code == 0, output);
        Assert.Equal(3, JsonNode.Parse(output)!["predictions"]![0]!["top"]!.AsArray().Count);

        (code, output) = Run("info", "--checkpoint", Path.Combine(moved, "model.ckpt"));
        Assert.True(code == 0, output);
        Assert.Contains("onnx", output);

        // A fine-tuned ONNX run is itself a starting point: its checkpoint, with a new head.
        (code, output) = Run("train", "--init", Path.Combine(moved, "model.ckpt"), "--head", "10", "--dataset", "digits", "--data", DigitsCsv(), "--per-class", "5",
            "--epochs", "1", "--out", Path.Combine(_dir, "again"), "--json");
        Assert.True(code == 0, output);
        Assert.True(File.Exists(Path.Combine(_dir, "again", "model.onnx")));
        Assert.Equal("onnx", (string)JsonNode.Parse(File.ReadAllText(Path.Combine(_dir, "again", "metrics.json")))!["model"]!);   // named after the init, not --model's default
    }

    [Fact]
    public void OnnxInitWithoutHeadForADifferentClassCountIsAUsageError()
    {
        string pre = Path.Combine(_dir, "pre"), onnx = Path.Combine(_dir, "m.onnx");
        Assert.Equal(0, Run("train", "--model", "fmnist-cnn", "--epochs", "1", "--limit", "64", "--out", pre, "--json").Code);
        Assert.Equal(0, Run("export", "--checkpoint", Path.Combine(pre, "model.ckpt"), "--onnx", onnx, "--json").Code);
        var (code, output) = Run("train", "--init", onnx, "--head", "5", "--dataset", "digits", "--data", DigitsCsv(), "--per-class", "3", "--epochs", "1", "--out", Path.Combine(_dir, "r"));
        Assert.NotEqual(0, code);
        Assert.Contains("--head 5 does not match", output);
    }
}
