using System.Text.Json.Nodes;
using Fovea.IO;
using Fovea.Vision.Models;
using Google.Protobuf;

namespace Fovea.Onnx.Tests;

/// <summary>The "onnx" ModelSpec architecture: a checkpoint plus the graph next to it rebuilds the fine-tuned model.</summary>
public sealed class OnnxModelSpecTests : IDisposable
{
    readonly string _dir = Path.Combine(Path.GetTempPath(), "fovea-onnx-spec-" + Guid.NewGuid().ToString("N"));
    public OnnxModelSpecTests() => Directory.CreateDirectory(_dir);
    public void Dispose() { if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true); }

    [Fact]
    public void CheckpointWithRelativeGraphLoadsTheFineTunedModel()
    {
        OnnxModelSpec.Register();
        var zoo = new ModelSpec("fmnist-cnn", 1, 28, [.. Enumerable.Range(0, 10).Select(i => i.ToString())], [0.5f], [0.25f]);
        var proto = OnnxExport.ToProto(zoo.Build(new Generator(3)), Tensor.Zeros(1, 1, 28, 28));
        OnnxModelSpec.WriteNormalization(proto, zoo);
        var imported = OnnxModel.Load(proto.ToByteArray());

        // Import with a new head of 3 classes, as `fovea train --init m.onnx --head 3` does.
        var spec = OnnxModelSpec.FromModel(imported, ["a", "b", "c"], 3, 99, "m.onnx") with { Graph = "model.onnx" };
        Assert.Equal((1, 28, 28), (spec.InChannels, spec.ImageSize, spec.ImageSize));
        Assert.Equal([0.5f], spec.Mean);
        Assert.Equal([0.25f], spec.Std);
        imported.ReplaceHead(3, new Generator(4));
        File.WriteAllBytes(Path.Combine(_dir, "model.onnx"), imported.ToProto().ToByteArray());
        string ckpt = Path.Combine(_dir, "model.ckpt");
        Checkpoint.Save(ckpt, imported.StateDict().Select(kv => new KeyValuePair<string, Tensor>("model." + kv.Key, kv.Value)),
            new JsonObject { ["kind"] = "fovea-model", ["model"] = spec.ToJson() });

        var (model, loaded) = ModelSpec.LoadCheckpoint(ckpt);
        Assert.Equal("onnx", loaded.Name);
        Assert.Equal(Path.Combine(_dir, "model.onnx"), loaded.Graph);          // resolved against the checkpoint's folder
        var x = Tensor.Rand(new Generator(5), 2, 1, 28, 28);
        using (Autograd.NoGrad())
        {
            var want = imported.Eval().Call(x).ToArray();
            var got = model.Call(x);
            Assert.Equal([2, 3], got.Shape.ToArray());
            var g = got.ToArray();
            for (int i = 0; i < want.Length; i++) Assert.Equal(want[i], g[i], 1e-6f);
        }
    }

    [Fact]
    public void MissingGraphIsAFormatError()
    {
        OnnxModelSpec.Register();
        var spec = new ModelSpec("onnx", 1, 8, ["a", "b"], [0f], [1f], Path.Combine(_dir, "absent.onnx"));
        var e = Assert.Throws<FoveaFormatException>(() => spec.Build());
        Assert.Contains("absent.onnx", e.Message);
        Assert.Throws<FoveaFormatException>(() => (spec with { Graph = null }).Build());
    }
}
