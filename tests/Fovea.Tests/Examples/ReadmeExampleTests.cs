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
