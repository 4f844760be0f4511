using Fovea.Data;
using Fovea.Imaging;

namespace Fovea.Imaging.Tests;

public sealed class PlotsTests : IDisposable
{
    // Set FOVEA_TEST_OUTPUT to a folder to keep the pictures for a look.
    readonly string? _keep = Environment.GetEnvironmentVariable("FOVEA_TEST_OUTPUT");
    readonly string _dir;
    public PlotsTests() => _dir = _keep ?? Directory.CreateTempSubdirectory("fovea-plots-").FullName;
    public void Dispose() { if (_keep is null) Directory.Delete(_dir, recursive: true); }

    static (int W, int H, float Spread) Look(string path)
    {
        Assert.True(File.Exists(path), path);
        Assert.InRange(new FileInfo(path).Length, 3_000, 5_000_000);
        var img = SkiaImageCodec.Default.Load(path, channels: 3);
        var v = img.ToArray();
        return (img.Shape[2], img.Shape[1], v.Max() - v.Min());
    }

    [Fact]
    public void TrainingCurves()
    {
        double[] tl = [2.1, 1.2, 0.8, 0.6, 0.5, 0.45, 0.41, 0.39];
        double[] vl = [1.5, 1.0, 0.75, 0.66, 0.6, 0.58, 0.59, 0.61];
        double[] ta = [0.35, 0.6, 0.72, 0.79, 0.82, 0.84, 0.85, 0.86];
        double[] va = [0.5, 0.65, 0.73, 0.77, 0.79, 0.8, 0.8, 0.79];
        string path = Path.Combine(_dir, "curves.png");
        Plots.TrainingCurves(path, tl, vl, ta, va, title: "Fashion-MNIST");
        var (w, h, spread) = Look(path);
        Assert.Equal((1200, 480), (w, h));
        Assert.True(spread > 0.5f);
        Plots.TrainingCurves(Path.Combine(_dir, "curves-loss-only.png"), [1.0, double.NaN, 0.5]);
    }

    [Fact]
    public void ConfusionMatrix()
    {
        int n = FashionMnist.ClassNames.Count;
        var counts = new int[n, n];
        var rng = new Random(3);
        for (int r = 0; r < n; r++)
            for (int c = 0; c < n; c++) counts[r, c] = r == c ? 70 + rng.Next(30) : rng.Next(6) * (rng.Next(3) == 0 ? 1 : 0);
        counts[6, 0] = 21; counts[0, 6] = 14;
        string path = Path.Combine(_dir, "confusion.png");
        Plots.ConfusionMatrix(path, counts, FashionMnist.ClassNames);
        var (w, h, spread) = Look(path);
        Assert.True(w >= 500 && h >= 500);
        Assert.True(spread > 0.5f);
        Assert.Throws<ArgumentException>(() => Plots.ConfusionMatrix(path, new int[2, 3], ["a", "b"]));
    }

    [Fact]
    public void SampleGrid()
    {
        var test = FashionMnist.LoadEmbedded(train: false);
        var batch = new DataLoader(test, 16, shuffle: true, generator: new Generator(2)).First();
        var truth = Enumerable.Range(0, 16).Select(batch.Label).ToArray();
        var predicted = truth.Select((t, i) => i % 5 == 2 ? (t + 3) % 10 : t).ToArray();
        string path = Path.Combine(_dir, "samples.png");
        Plots.SampleGrid(path, batch.Input, predicted, truth, FashionMnist.ClassNames);
        var (w, h, spread) = Look(path);
        Assert.Equal(8 * (112 + 16), w);
        Assert.True(h > 2 * 112);
        Assert.True(spread > 0.5f);

        var rgb = Tensor.Rand(new Generator(1), 3, 3, 20, 30) * 4f - 2f;       // normalised-looking values
        Plots.SampleGrid(Path.Combine(_dir, "samples-rgb.png"), rgb, [0, 1, 2], [0, 2, 2], ["cat", "dog", "a very long class name"], columns: 2);
        Assert.Throws<ArgumentException>(() => Plots.SampleGrid(path, batch.Input, [1], [1], FashionMnist.ClassNames));
    }
}
