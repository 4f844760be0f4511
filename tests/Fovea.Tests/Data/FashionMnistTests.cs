using Fovea.Data;

namespace Fovea.Tests.Data;

public class FashionMnistTests
{
    [Theory]
    [InlineData(true, 6000)]
    [InlineData(false, 1000)]
    public void EmbeddedSubsetIsBalanced(bool train, int count)
    {
        var ds = FashionMnist.LoadEmbedded(train);
        Assert.Equal(count, ds.Count);
        Assert.Equal(new[] { 1, 28, 28 }, (int[])ds.SampleShape);
        Assert.Equal(10, ds.NumClasses);
        Assert.Equal("Ankle boot", ds.ClassNames[9]);
        Assert.All(ds.ClassCounts(), c => Assert.Equal(count / 10, c));
        var x = ds.Get(0).Input.ToArray();
        Assert.All(x, v => Assert.InRange(v, 0f, 1f));
        Assert.True(x.Max() > 0.5f, "the first image should not be blank");
    }

    [Fact]
    public void FullSetLoadsWhenInstalled()
    {
        if (!File.Exists(Path.Combine(FashionMnist.DefaultFolder, "t10k-images-idx3-ubyte.gz"))) return;   // Debian package not installed
        var test = FashionMnist.Load(train: false);
        Assert.Equal(10000, test.Count);
        Assert.All(test.ClassCounts(), c => Assert.Equal(1000, c));
    }

    [Fact]
    public void MnistFolderWithPlainFiles()
    {
        var dir = Directory.CreateTempSubdirectory("fovea-mnist-").FullName;
        try
        {
            Idx.Write(Path.Combine(dir, "t10k-images-idx3-ubyte"), new byte[] { 0, 255, 10, 20, 30, 40, 50, 60 }, [2, 2, 2]);
            Idx.Write(Path.Combine(dir, "t10k-labels-idx1-ubyte"), new byte[] { 7, 3 }, [2]);
            var ds = Mnist.Load(dir, train: false);
            Assert.Equal(2, ds.Count);
            Assert.Equal(new[] { 1, 2, 2 }, (int[])ds.SampleShape);
            Assert.Equal(3, ds.GetLabel(1));
            Assert.Equal(1f, ds.Get(0).Input[0, 0, 1]);
            Assert.Throws<FileNotFoundException>(() => Mnist.Load(dir, train: true));

            Idx.Write(Path.Combine(dir, "t10k-labels-idx1-ubyte"), new byte[] { 7, 3, 1 }, [3]);
            var e = Assert.Throws<FoveaFormatException>(() => Mnist.Load(dir, train: false));
            Assert.Contains("2 images", e.Message);
            Idx.Write(Path.Combine(dir, "t10k-labels-idx1-ubyte"), new byte[] { 7, 10 }, [2]);
            Assert.Throws<FoveaFormatException>(() => Mnist.Load(dir, train: false));
        }
        finally { Directory.Delete(dir, true); }
    }
}
