using Fovea.IO;
using Fovea.NN;

namespace Fovea.Onnx.Tests;

/// <summary>The folder format of tools/onnx/export_torchvision.py, checked by OnnxReferenceCheck (here filled by Fovea itself).</summary>
public sealed class ReferenceCheckTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("fovea-onnx-ref-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    void Write(string name, Module m, Tensor x, Tensor y)
    {
        string d = Path.Combine(_dir, name);
        Directory.CreateDirectory(d);
        m.ExportOnnx(Path.Combine(d, "model.onnx"), x);
        Npy.Save(Path.Combine(d, "input.npy"), x);
        Npy.Save(Path.Combine(d, "output.npy"), y);
    }

    [Fact]
    public void MatchingAndMismatchingReferences()
    {
        var m = new Sequential(new Conv2d(1, 2, 3, generator: new Generator(1)), new ReLU(), new Flatten(), new Linear(2 * 4 * 4, 3, generator: new Generator(2)));
        var x = Tensor.Randn(new Generator(3), 2, 1, 6, 6);
        Tensor y;
        using (Autograd.NoGrad()) y = m.Eval().Call(x);
        Write("good", m, x, y);
        Write("bad", m, x, Ops.Add(y, 0.01f));
        var r = OnnxReferenceCheck.Run(_dir);
        Assert.Equal(2, r.Count);
        var good = r.Single(t => t.Name == "good");
        Assert.Equal(OnnxConformance.Passed, good.Status);
        Assert.True(good.MaxRelErr < 1e-6);
        Assert.Equal(OnnxConformance.Failed, r.Single(t => t.Name == "bad").Status);
    }

    [Fact]
    public void TensorProtoFilesRoundTrip()
    {
        string p = Path.Combine(_dir, "t.pb");
        var t = Tensor.Randn(new Generator(4), 2, 3, 4);
        OnnxModel.WriteTensor(p, t, "t");
        var (back, type) = OnnxModel.ReadTensorWithType(p);
        Assert.Equal(1, type);
        Assert.Equal(t.Shape, back.Shape);
        Assert.Equal(t.ToArray(), back.ToArray());
    }
}
