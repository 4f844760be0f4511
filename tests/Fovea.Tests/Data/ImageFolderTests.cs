using System.Text;
using Fovea.Data;

namespace Fovea.Tests.Data;

public sealed class ImageFolderTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("fovea-imgfolder-").FullName;
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // A stand-in codec: the file holds "H W v" and decodes to a grey [1,H,W] image filled with v.
    sealed class TextCodec : IImageCodec
    {
        public Tensor Decode(ReadOnlySpan<byte> data, string name, int channels = 0)
        {
            var p = Encoding.ASCII.GetString(data).Split(' ');
            if (p.Length != 3) throw new FoveaFormatException($"'{name}': not a test image");
            int h = int.Parse(p[0]), w = int.Parse(p[1]), c = channels == 0 ? 1 : channels;
            return Tensor.Full([c, h, w], float.Parse(p[2], System.Globalization.CultureInfo.InvariantCulture));
        }
        public byte[] Encode(Tensor image) => throw new NotSupportedException();
    }

    void Put(string rel, string content)
    {
        string p = Path.Combine(_dir, rel);
        Directory.CreateDirectory(Path.GetDirectoryName(p)!);
        File.WriteAllText(p, content);
    }

    [Fact]
    public void ClassesSortedFilesRecursiveAndResized()
    {
        Put("zebra/b.png", "2 2 0.5");
        Put("zebra/a.png", "4 4 0.25");
        Put("apple/x/deep.jpg", "2 2 1");
        Put("apple/notes.txt", "ignored");
        var ds = new ImageFolder(_dir, new TextCodec(), channels: 1);
        Assert.Equal(new[] { "apple", "zebra" }, ds.ClassNames);
        Assert.Equal(3, ds.Count);
        Assert.Equal(new[] { 0, 1, 1 }, ds.Labels());
        Assert.EndsWith("a.png", ds.Files[1]);
        Assert.Equal(new[] { 1, 2, 2 }, (int[])ds.SampleShape);      // the first image's size
        Assert.All(ds.Get(1).Input.ToArray(), v => Assert.Equal(0.25f, v));   // 4x4 resized to 2x2
        var rgb = new ImageFolder(_dir, new TextCodec(), channels: 3, height: 5, width: 3);
        Assert.Equal(new[] { 3, 5, 3 }, (int[])rgb.SampleShape);
        Assert.Equal(3 * 5 * 3, rgb.Materialize().Inputs().Numel / 3);
    }

    [Fact]
    public void EmptyOrMissingFoldersAreErrors()
    {
        Assert.Throws<ArgumentException>(() => new ImageFolder(_dir, new TextCodec()));
        Assert.Throws<DirectoryNotFoundException>(() => new ImageFolder(Path.Combine(_dir, "nope"), new TextCodec()));
    }
}
