using System.Text.Json.Nodes;
using Fovea.Cli;

namespace Fovea.Cli.Tests;

// The commands share the console, so they run one at a time (with the other CLI tests).
[Collection("console")]
public class ExplainAttackCliTests : IDisposable
{
    readonly string _dir = Path.Combine(Path.GetTempPath(), "fovea-explain-cli-" + Guid.NewGuid().ToString("N"));
    public ExplainAttackCliTests() => Directory.CreateDirectory(_dir);
    public void Dispose() { if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true); }

    static (int Code, string Output) Run(params string[] args) => CliRunner.Run(args);

    string Train(params string[] extra)
    {
        string run = Path.Combine(_dir, "run" + extra.Length);
        var (code, output) = Run(["train", "--model", "fmnist-cnn", "--epochs", "1", "--limit", "256", "--out", run, "--json", .. extra]);
        Assert.True(code == 0, output);
        return Path.Combine(run, "model.ckpt");
    }

    [Fact]
    public void ExplainWritesOverlaysAPanelAndMetrics()
    {
        string ckpt = Train();
        string npy = Path.Combine(_dir, "shirt.npy");
        IO.Npy.Save(npy, FoveaFixtures.Square());
        string outDir = Path.Combine(_dir, "explain");
        var (code, output) = Run("explain", "--checkpoint", ckpt, "--method", "saliency,gradcam,lrp", npy, "--out", outDir, "--json");
        Assert.True(code == 0, output);
        var json = JsonNode.Parse(output)!;
        Assert.Equal(3, json["files"]!.AsArray().Count);
        Assert.True(new FileInfo(Path.Combine(outDir, "panel.png")).Length > 1000);
        Assert.True(File.Exists(Path.Combine(outDir, "shirt_gradcam.png")));

        (code, output) = Run("explain", "--checkpoint", ckpt, "--method", "ig,gradcam++", "--limit", "2", "--dataset", "fashion-mnist",
            "--out", outDir, "--json", "--metrics", "--steps", "8", "--class", "Trouser");
        Assert.True(code == 0, output);
        json = JsonNode.Parse(output)!;
        Assert.Equal("Trouser", (string)json["predictions"]![0]!["explained_class"]!);
        var m = json["metrics"]!;
        Assert.InRange((double)m["deletion_auc"]!["ig"]!, 0, 1);
        Assert.InRange((double)m["deletion_auc"]!["random"]!, 0, 1);
        Assert.InRange((double)m["object_share_of_image"]!, 0, 1);
        Assert.InRange((double)m["silhouette_share_of_image"]!, (double)m["object_share_of_image"]!, 1);
        Assert.InRange((double)m["gradcam_mass_on_silhouette"]!, (double)m["gradcam_mass_on_object"]!, 1);
        Assert.InRange((double)m["randomisation"]!["saliency"]!["final_spearman"]!, -1, 1);
    }

    [Fact]
    public void AttackReportsRobustAccuracyAndSavesExamples()
    {
        string ckpt = Train();
        string ex = Path.Combine(_dir, "examples");
        var (code, output) = Run("attack", "--checkpoint", ckpt, "--method", "fgsm,pgd", "--eps", "0.05,0.2", "--steps", "3", "--limit", "40",
            "--json", "--save-examples", ex, "--examples", "2");
        Assert.True(code == 0, output);
        var json = JsonNode.Parse(output)!;
        var attacks = json["attacks"]!.AsArray();
        Assert.Equal(4, attacks.Count);
        double clean = (double)json["clean_accuracy"]!;
        foreach (var a in attacks) Assert.True((double)a!["robust_accuracy"]! <= clean + 1e-9);
        Assert.True((double)attacks[3]!["robust_accuracy"]! < clean);                     // PGD at eps 0.2 hurts
        Assert.Contains(Directory.GetFiles(ex), f => Path.GetFileName(f).StartsWith("000_clean_"));
        Assert.Contains(Directory.GetFiles(ex), f => Path.GetFileName(f).StartsWith("pairs_pgd-3_eps0.2"));

        (code, output) = Run("attack", "--checkpoint", ckpt, "--method", "deepfool,cw", "--steps", "5", "--limit", "10", "--json");
        Assert.True(code == 0, output);
        Assert.Equal(2, JsonNode.Parse(output)!["attacks"]!.AsArray().Count);
    }

    [Fact]
    public void AdversarialTrainingAndBadArgumentsGiveOneLineErrors()
    {
        string ckpt = Train("--adversarial", "fgsm", "--eps", "0.1");
        Assert.True(File.Exists(ckpt));
        var metrics = JsonNode.Parse(File.ReadAllText(Path.Combine(Path.GetDirectoryName(ckpt)!, "metrics.json")))!;
        Assert.Equal("fgsm", (string)metrics["adversarial"]!["kind"]!);

        var (code, output) = Run("attack", "--checkpoint", ckpt, "--method", "nope");
        Assert.Equal(2, code);
        Assert.Contains("Unknown attack 'nope'", output);
        (code, output) = Run("explain", "--checkpoint", ckpt, "--method", "gradcam", "--layer", "nope", "--dataset", "fashion-mnist", "--limit", "1");
        Assert.Equal(1, code);
        Assert.Contains("no layer named 'nope'", output);
        Assert.DoesNotContain("   at ", output);
        (code, output) = Run("explain", "--checkpoint", ckpt);
        Assert.Equal(2, code);
        Assert.Contains("INPUT", output);
        (code, output) = Run("train", "--adversarial", "mystery");
        Assert.Equal(2, code);
        Assert.Contains("--adversarial", output);
    }
}

static class FoveaFixtures
{
    /// <summary>A bright square on black, 28×28.</summary>
    public static Tensor Square()
    {
        var v = new float[28 * 28];
        for (int y = 8; y < 20; y++) for (int x = 8; x < 20; x++) v[y * 28 + x] = 0.9f;
        return Tensor.FromArray(v, 28, 28);
    }
}
