using System.Buffers.Binary;
using System.IO.Compression;
using Fovea.Data;
using Fovea.Imaging;
using SkiaSharp;

namespace Fovea.Imaging.Tests;

public sealed class SkiaImageCodecTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("fovea-codec-").FullName;
    public void Dispose() => Directory.Delete(_dir, recursive: true);
    readonly SkiaImageCodec _codec = new();

    static Tensor Pattern(int c, int h, int w)
    {
        var v = new float[c * h * w];
        for (int i = 0; i < v.Length; i++) v[i] = (i * 37 % 256) / 255f;
        return Tensor.FromArray(v, c, h, w);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(1)]
    public void PngRoundTripIsExact(int channels)
    {
        var x = Pattern(channels, 5, 7);
        var png = _codec.Encode(x);
        Assert.Equal(0x89, png[0]);
        Assert.Equal((byte)'P', png[1]);
        var y = _codec.Decode(png, "round.png");
        Assert.Equal(new[] { channels, 5, 7 }, (int[])y.Shape);
        Assert.Equal(x.ToArray(), y.ToArray());
        Assert.Equal(_codec.ReadInfo(png, "round.png"), ("Png", 7, 5, channels == 1));
    }

    [Fact]
    public void EncodeAcceptsHwAndClamps()
    {
        var y = _codec.Decode(_codec.Encode(Tensor.FromArray([-1f, 0.5f, 2f, float.NaN], 2, 2)), "c.png");
        Assert.Equal(new[] { 1, 2, 2 }, (int[])y.Shape);
        Assert.Equal(new[] { 0f, 128 / 255f, 1f, 0f }, y.ToArray());
        Assert.Throws<ShapeMismatchException>(() => _codec.Encode(Tensor.Zeros(2, 4, 4)));
    }

    [Fact]
    public void ChannelConversionOnDecode()
    {
        var rgb = Tensor.FromArray([1f, 0, 0, 1, 0, 0], 3, 1, 2);   // a red and a green pixel
        var grey = _codec.Decode(_codec.Encode(rgb), "rgb.png", channels: 1);
        Assert.Equal(new[] { 1, 1, 2 }, (int[])grey.Shape);
        Assert.Equal(0.299f, grey[0, 0, 0], 3);
        Assert.Equal(0.587f, grey[0, 0, 1], 3);
        var back = _codec.Decode(_codec.Encode(Tensor.FromArray([0.2f, 0.6f], 1, 1, 2)), "g.png", channels: 3);
        Assert.Equal(new[] { 3, 1, 2 }, (int[])back.Shape);
        Assert.Equal(back[0, 0, 1], back[2, 0, 1]);
    }

    static byte[] SkiaEncode(SKEncodedImageFormat format, int w, int h, int quality = 95)
    {
        using var bmp = new SKBitmap(new SKImageInfo(w, h, SKColorType.Rgba8888, SKAlphaType.Opaque));
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                bmp.SetPixel(x, y, new SKColor((byte)(255 * x / (w - 1)), (byte)(255 * y / (h - 1)), 128));
        using var data = bmp.Encode(format, quality);
        return data.ToArray();
    }

    [Theory]
    [InlineData(SKEncodedImageFormat.Jpeg, 0.04f)]
    [InlineData(SKEncodedImageFormat.Webp, 0.08f)]
    public void DecodesLossyFormatsOfAGeneratedGradient(SKEncodedImageFormat format, float tol)
    {
        var bytes = SkiaEncode(format, 40, 30);
        var path = Path.Combine(_dir, "gradient." + format.ToString().ToLowerInvariant());
        File.WriteAllBytes(path, bytes);
        var img = ((IImageCodec)_codec).Load(path);
        Assert.Equal(new[] { 3, 30, 40 }, (int[])img.Shape);
        for (int y = 0; y < 30; y += 7)
            for (int x = 0; x < 40; x += 9)
            {
                Assert.Equal(x / 39f, img[0, y, x], tol);
                Assert.Equal(y / 29f, img[1, y, x], tol);
                Assert.Equal(128 / 255f, img[2, y, x], tol);
            }
    }

    // A 24-bit BMP written by hand: 3x2 pixels, rows bottom-up, BGR, each row padded to 4 bytes.
    static byte[] Bmp(byte[,][] rgb)
    {
        int h = rgb.GetLength(0), w = rgb.GetLength(1), row = (3 * w + 3) / 4 * 4;
        var b = new byte[54 + row * h];
        b[0] = (byte)'B'; b[1] = (byte)'M';
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(2), b.Length);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(10), 54);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(14), 40);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(18), w);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(22), h);
        BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(26), 1);
        BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(28), 24);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(34), row * h);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                int o = 54 + (h - 1 - y) * row + 3 * x;
                b[o] = rgb[y, x][2]; b[o + 1] = rgb[y, x][1]; b[o + 2] = rgb[y, x][0];
            }
        return b;
    }

    [Fact]
    public void DecodesBmpExactly()
    {
        var px = new byte[2, 3][] { { [255, 0, 0], [0, 255, 0], [0, 0, 255] }, { [10, 20, 30], [40, 50, 60], [255, 255, 255] } };
        var img = _codec.Decode(Bmp(px), "hand.bmp");
        Assert.Equal(new[] { 3, 2, 3 }, (int[])img.Shape);
        for (int y = 0; y < 2; y++)
            for (int x = 0; x < 3; x++)
                for (int c = 0; c < 3; c++) Assert.Equal(px[y, x][c] / 255f, img[c, y, x]);
        Assert.Equal("Bmp", _codec.ReadInfo(Bmp(px), "hand.bmp").Format);
    }

    static uint Crc32(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
        }
        return ~crc;
    }

    static byte[] Chunk(string type, byte[] body)
    {
        var c = new byte[12 + body.Length];
        BinaryPrimitives.WriteInt32BigEndian(c, body.Length);
        System.Text.Encoding.ASCII.GetBytes(type).CopyTo(c, 4);
        body.CopyTo(c, 8);
        BinaryPrimitives.WriteUInt32BigEndian(c.AsSpan(8 + body.Length), Crc32(c.AsSpan(4, 4 + body.Length)));
        return c;
    }

    // A valid PNG signature and IHDR claiming width x height, with one small IDAT and IEND: a few hundred bytes.
    static byte[] BombPng(int width, int height)
    {
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8; ihdr[9] = 2;                                   // 8-bit RGB
        using var ms = new MemoryStream();
        using (var z = new ZLibStream(ms, CompressionLevel.SmallestSize)) z.Write(new byte[4096]);
        return [0x89, (byte)'P', (byte)'N', (byte)'G', 13, 10, 26, 10, .. Chunk("IHDR", ihdr), .. Chunk("IDAT", ms.ToArray()), .. Chunk("IEND", [])];
    }

    [Fact]
    public void RefusesOversizedImagesBeforeDecoding()
    {
        var bomb = BombPng(100_000, 100_000);
        Assert.True(bomb.Length < 1000);
        Assert.Equal(("Png", 100_000, 100_000, false), _codec.ReadInfo(bomb, "bomb.png"));
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<FoveaFormatException>(() => _codec.Decode(bomb, "bomb.png"));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20);
        Assert.Contains("bomb.png", e.Message);
        Assert.Contains("exceeds", e.Message);

        var small = new SkiaImageCodec(maxPixels: 100);
        Assert.Throws<FoveaFormatException>(() => small.Decode(_codec.Encode(Pattern(1, 11, 10)), "110px.png"));
        Assert.Equal(100, small.Decode(_codec.Encode(Pattern(1, 10, 10)), "100px.png").Numel);
    }

    [Fact]
    public void CorruptAndTruncatedFilesNameTheFile()
    {
        var junk = new byte[300];
        new Random(1).NextBytes(junk);
        Assert.Contains("junk.bin", Assert.Throws<FoveaFormatException>(() => _codec.Decode(junk, "junk.bin")).Message);
        Assert.Throws<FoveaFormatException>(() => _codec.Decode([], "empty.png"));
        var png = _codec.Encode(Pattern(3, 64, 64));
        var e = Assert.Throws<FoveaFormatException>(() => _codec.Decode(png.AsSpan(0, png.Length / 2), "half.png"));
        Assert.Contains("half.png", e.Message);
        var jpeg = SkiaEncode(SKEncodedImageFormat.Jpeg, 64, 64);
        Assert.Throws<FoveaFormatException>(() => _codec.Decode(jpeg.AsSpan(0, 20), "cut.jpg"));
    }

    [Fact]
    public void ImageFolderWithRealFiles()
    {
        foreach (var (cls, v) in new[] { ("dark", 0.1f), ("light", 0.9f) })
        {
            Directory.CreateDirectory(Path.Combine(_dir, "set", cls));
            for (int i = 0; i < 3; i++)
                ((IImageCodec)_codec).Save(Tensor.Full([3, 8 + i, 8], v), Path.Combine(_dir, "set", cls, $"{i}.png"));
        }
        var ds = new ImageFolder(Path.Combine(_dir, "set"), _codec, channels: 1, height: 6, width: 6).Materialize();
        Assert.Equal(6, ds.Count);
        Assert.Equal(new[] { "dark", "light" }, ds.ClassNames);
        Assert.Equal(new[] { 1, 6, 6 }, (int[])ds.SampleShape);
        Assert.Equal(0.9f, ds.Get(5).Input[0, 3, 3], 2);
        Assert.Equal(0.1f, ds.Get(0).Input[0, 0, 0], 2);
    }
}
