using Fovea.Data;

namespace Fovea.Tests.Data;

public sealed class CifarTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("fovea-cifar-").FullName;
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    static byte[] Records(int n, int labelBytes, int seed)
    {
        var rec = 3072 + labelBytes;
        var b = new byte[n * rec];
        for (int i = 0; i < n; i++)
        {
            for (int k = 0; k < labelBytes; k++) b[i * rec + k] = (byte)((seed + i + k) % 10);
            for (int p = 0; p < 3072; p++) b[i * rec + labelBytes + p] = (byte)(p / 1024 * 100 + i);
        }
        return b;
    }

    [Fact]
    public void Cifar10Batches()
    {
        var sub = Directory.CreateDirectory(Path.Combine(_dir, "cifar-10-batches-bin")).FullName;
        for (int f = 1; f <= 5; f++) File.WriteAllBytes(Path.Combine(sub, $"data_batch_{f}.bin"), Records(3, 1, f));
        File.WriteAllBytes(Path.Combine(sub, "test_batch.bin"), Records(2, 1, 0));
        var train = Cifar.Load(_dir, train: true);
        Assert.Equal(15, train.Count);
        Assert.Equal(new[] { 3, 32, 32 }, (int[])train.SampleShape);
        Assert.Equal("truck", train.ClassNames[9]);
        Assert.Equal(2, train.GetLabel(3));                            // file 2, record 0
        var (x, _) = train.Get(4);                                      // file 2, record 1
        Assert.Equal(1 / 255f, x[0, 5, 7], 6);
        Assert.Equal(101 / 255f, x[1, 0, 0], 6);
        Assert.Equal(201 / 255f, x[2, 31, 31], 6);
        Assert.Equal(2, Cifar.Load(sub, train: false).Count);

        File.WriteAllBytes(Path.Combine(sub, "test_batch.bin"), Records(2, 1, 0)[..^5]);
        var e = Assert.Throws<FoveaFormatException>(() => Cifar.Load(_dir, train: false));
        Assert.Contains("test_batch.bin", e.Message);
    }

    [Fact]
    public void Cifar100UsesFineLabels()
    {
        File.WriteAllBytes(Path.Combine(_dir, "test.bin"), Records(4, 2, 3));
        var ds = Cifar.Load(_dir, train: false, cifar100: true);
        Assert.Equal(4, ds.Count);
        Assert.Equal(100, ds.NumClasses);
        Assert.Equal((3 + 1 + 1) % 10, ds.GetLabel(1));
    }
}
