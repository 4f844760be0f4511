using Fovea.Data;
using Fovea.NN;
using Fovea.Optim;

namespace Fovea.Tests.Examples;

/// <summary>The README's library example, kept compiling and learning.</summary>
public class ReadmeExampleTests
{
    [Fact]
    public void TenLineTrainingExampleLearns()
    {
        // --- README example (one epoch on 1,024 embedded images here, to stay fast) ---
        var train = FashionMnist.LoadEmbedded(train: true).Select([.. Enumerable.Range(0, 1024)]);
        var loader = new DataLoader(train, batchSize: 64, shuffle: true, generator: new Generator(1));
        var model = new Sequential(
            new Conv2d(1, 32, 3, padding: 1), new ReLU(), new MaxPool2d(2),
            new Conv2d(32, 64, 3, padding: 1), new ReLU(), new MaxPool2d(2),
            new Flatten(), new Linear(64 * 7 * 7, 128), new ReLU(), new Linear(128, 10));
        var optimizer = new Adam(model.Parameters(), lr: 1e-3f);
        var lossFn = new CrossEntropyLoss();
        float first = float.NaN, last = float.NaN;
        foreach (var batch in loader)
        {
            optimizer.ZeroGrad();
            var loss = lossFn.Forward(model.Call(batch.Input), batch.Target);
            loss.Backward();
            optimizer.Step();
            if (float.IsNaN(first)) first = loss.Item();
            last = loss.Item();
        }
        // --- end of example ---
        Assert.True(last < first * 0.7, $"loss went from {first} to {last}");
    }
}

public class ReadmeSnippetTests
{
    [Fact]
    public void TensorAndAutogradSnippetRuns()
    {
        var x = Tensor.Randn(new Generator(0), 2, 3).RequiresGrad_();
        var y = (x.MatMul(x.T) + 1f).Relu().Sum();
        y.Backward();
        Assert.Equal(x.Shape, x.Grad!.Shape);
        using (Autograd.NoGrad()) { var z = x * 2f; Assert.False(z.RequiresGrad); }
        var ok = GradCheck.Check(t => t[0].Exp().Softmax(1), [x]);
        Assert.True(ok.Ok, ok.Message);
    }

    [Fact]
    public void ModuleSnippetRuns()
    {
        var net = Fovea.Vision.Models.ModelZoo.Create("resnet20", inChannels: 3, numClasses: 10, imageSize: 32, new Generator(1));
        Assert.Contains("Total params", net.Summary(1, 3, 32, 32));
        var dir = Path.Combine(Path.GetTempPath(), "fovea-readme-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            Fovea.IO.Npz.Save(Path.Combine(dir, "w.npz"), net.StateDict());
            net.LoadStateDict(Fovea.IO.Npz.Load(Path.Combine(dir, "w.npz")));
            Assert.True(net.Freeze("stages.*") > 0);
            Fovea.IO.Checkpoint.Save(Path.Combine(dir, "net.ckpt"), net.StateDict());
            Shape? seen = null;
            net.RegisterForwardHook((m, input, output) => output.RegisterHook(g => seen = g.Shape));
            net.Call(Tensor.Randn(new Generator(2), 1, 3, 32, 32)).Sum().Backward();
            Assert.Equal(new Shape(1, 10), seen);
        }
        finally { Directory.Delete(dir, true); }
    }
}
