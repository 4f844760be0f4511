using System.Text.Json.Nodes;
using Fovea.Cli;

namespace Fovea.Cli.Tests;

// The commands share the console, so they run one at a time.
[Collection("console")]
public class CliTests : IDisposable
{
    readonly string _dir = Path.Combine(Path.GetTempPath(), "fovea-cli-" + Guid.NewGuid().ToString("N"));
    public CliTests() => Directory.CreateDirectory(_dir);
    public void Dispose() { if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true); }

    static (int Code, string Output) Run(params string[] args) => CliRunner.Run(args);

    [Fact]
    public void TrainThenEvalPredictAndInfoWorkEndToEnd()
    {
        string run = Path.Combine(_dir, "run");
        var (code, output) = Run("train", "--model", "fmnist-cnn", "--epochs", "1", "--limit", "512", "--out", run, "--json");
        Assert.True(code == 0, output);
        var metrics = JsonNode.Parse(File.ReadAllText(Path.Combine(run, "metrics.json")))!;
        Assert.Equal(1, (int)metrics["epochs"]!);
        Assert.InRange((double)metrics["test_accuracy"]!, 0.3, 1.0);           // 512 images, one epoch: well above chance (0.1)
        foreach (var f in new[] { "model.ckpt", "best.ckpt", "last.ckpt", "curves.png", "confusion.png" })
            Assert.True(new FileInfo(Path.Combine(run, f)).Length > 1000, f);

        (code, output) = Run("eval", "--checkpoint", Path.Combine(run, "model.ckpt"), "--json");
        Assert.True(code == 0, output);
        var ev = JsonNode.Parse(output)!;
        Assert.Equal((double)metrics["test_accuracy"]!, (double)ev["accuracy"]!, 6);
        Assert.Equal(10, ev["confusion"]!.AsArray().Count);

        string npy = Path.Combine(_dir, "x.npy");
        IO.Npy.Save(npy, Tensor.Zeros(28, 28));
        (code, output) = Run("predict", "--checkpoint", Path.Combine(run, "model.ckpt"), npy, "--json", "--top", "2");
        Assert.True(code == 0, output);
        Assert.Equal(2, JsonNode.Parse(output)!["predictions"]![0]!["top"]!.AsArray().Count);

        (code, output) = Run("info", "--checkpoint", Path.Combine(run, "model.ckpt"));
        Assert.True(code == 0, output);
        Assert.Contains("Conv2d", output);
        Assert.Contains("Total params", output);
    }

    [Fact]
    public void BadInputGivesOneLineErrorsAndNonZeroExitCodes()
    {
        var (code, output) = Run("eval", "--checkpoint", Path.Combine(_dir, "missing.ckpt"));
        Assert.Equal(1, code);
        Assert.Contains("does not exist", output);
        Assert.DoesNotContain("   at ", output);                            // no stack trace without --verbose

        string bad = Path.Combine(_dir, "bad.ckpt");
        File.WriteAllText(bad, "not a checkpoint at all");
        (code, output) = Run("info", "--checkpoint", bad);
        Assert.Equal(1, code);
        Assert.Contains("not a Fovea checkpoint", output);

        (code, output) = Run("train", "--model", "nonexistent");
        Assert.Equal(2, code);
        Assert.Contains("Unknown model", output);

        (code, output) = Run("train", "--epochs", "0");
        Assert.Equal(2, code);

        (code, _) = Run("no-such-command");
        Assert.Equal(2, code);
    }

    [Fact]
    public void ModelsListsTheZoo()
    {
        var (code, output) = Run("models");
        Assert.Equal(0, code);
        foreach (var n in Fovea.Vision.Models.ModelZoo.Names) Assert.Contains(n, output);
    }
}
