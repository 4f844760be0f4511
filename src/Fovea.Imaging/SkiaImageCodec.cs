using System.Runtime.InteropServices;
using Fovea.Data;
using SkiaSharp;

namespace Fovea.Imaging;

/// <summary>
/// Decodes PNG, JPEG, BMP, GIF (first frame) and WebP files to float tensors [C,H,W] in [0, 1] and encodes tensors
/// as PNG, with SkiaSharp. The image size is read from the header first, and images with more than
/// <see cref="MaxPixels"/> pixels are refused before any pixel memory is allocated (decompression bombs).
/// Corrupt, truncated or unsupported files give a <see cref="FoveaFormatException"/> naming the file. Thread-safe.
/// </summary>
public sealed class SkiaImageCodec : IImageCodec
{
    /// <summary>The default pixel limit: 64 megapixels.</summary>
    public const long DefaultMaxPixels = 64L * 1024 * 1024;

    /// <param name="maxPixels">Largest width x height accepted by <see cref="Decode"/>.</param>
    public SkiaImageCodec(long maxPixels = DefaultMaxPixels)
    {
        if (maxPixels <= 0) throw new ArgumentException($"SkiaImageCodec: maxPixels must be positive, got {maxPixels}.");
        MaxPixels = maxPixels;
    }

    /// <summary>Largest width x height accepted by <see cref="Decode"/>.</summary>
    public long MaxPixels { get; }

    /// <summary>A shared codec with the default limit.</summary>
    public static SkiaImageCodec Default { get; } = new();

    /// <summary>Reads only the header: format, width, height, and whether the file is grey.</summary>
    public (string Format, int Width, int Height, bool Grey) ReadInfo(ReadOnlySpan<byte> data, string name)
    {
        using var skData = SKData.CreateCopy(data);
        using var codec = Open(skData, name);
        var info = codec.Info;
        return (codec.EncodedFormat.ToString(), info.Width, info.Height, info.ColorType == SKColorType.Gray8);
    }

    static SKCodec Open(SKData data, string name)
    {
        if (data.Size == 0) throw new FoveaFormatException($"Image '{name}': the file is empty.");
        var codec = SKCodec.Create(data);
        if (codec is null)
            throw new FoveaFormatException($"Image '{name}': not a readable PNG, JPEG, BMP, GIF or WebP file (corrupt or unsupported header).");
        return codec;
    }

    public Tensor Decode(ReadOnlySpan<byte> data, string name, int channels = 0)
    {
        if (channels is not (0 or 1 or 3)) throw new ArgumentException($"SkiaImageCodec.Decode: channels must be 0, 1 or 3, got {channels}.");
        using var skData = SKData.CreateCopy(data);
        using var codec = Open(skData, name);
        var header = codec.Info;
        int w = header.Width, h = header.Height;
        if (w <= 0 || h <= 0)
            throw new FoveaFormatException($"Image '{name}': header gives an empty size {w}x{h}.");
        if ((long)w * h > MaxPixels)
            throw new FoveaFormatException($"Image '{name}': {w}x{h} = {(long)w * h} pixels exceeds the limit of {MaxPixels} (a decompression bomb?).");
        bool grey = header.ColorType == SKColorType.Gray8;
        int c = channels == 0 ? (grey ? 1 : 3) : channels;

        var info = new SKImageInfo(w, h, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var pixels = new byte[(long)w * h * 4];
        var handle = GCHandle.Alloc(pixels, GCHandleType.Pinned);
        SKCodecResult r;
        try { r = codec.GetPixels(info, handle.AddrOfPinnedObject()); }
        finally { handle.Free(); }
        if (r != SKCodecResult.Success)
            throw new FoveaFormatException($"Image '{name}': decoding failed ({r}){(r == SKCodecResult.IncompleteInput ? ": the file is truncated" : "")}.");

        int plane = w * h;
        var v = new float[c * plane];
        if (c == 3)
        {
            for (int i = 0; i < plane; i++)
            {
                v[i] = pixels[4 * i] / 255f;
                v[plane + i] = pixels[4 * i + 1] / 255f;
                v[2 * plane + i] = pixels[4 * i + 2] / 255f;
            }
        }
        else if (grey)
        {
            for (int i = 0; i < plane; i++) v[i] = pixels[4 * i] / 255f;
        }
        else
        {
            // ITU-R 601 luma, as Fovea.Data.Transforms.ToGrey.
            for (int i = 0; i < plane; i++)
                v[i] = (0.299f * pixels[4 * i] + 0.587f * pixels[4 * i + 1] + 0.114f * pixels[4 * i + 2]) / 255f;
        }
        return Tensor.FromArray(v, c, h, w);
    }

    /// <summary>Reads and decodes an image file.</summary>
    public Tensor Load(string path, int channels = 0) => Decode(File.ReadAllBytes(path), path, channels);

    /// <summary>Encodes an image as PNG and writes it.</summary>
    public void Save(Tensor image, string path) => File.WriteAllBytes(path, Encode(image));

    public byte[] Encode(Tensor image)
    {
        using var bitmap = ToBitmap(image);
        using var png = bitmap.Encode(SKEncodedImageFormat.Png, 100)
            ?? throw new InvalidOperationException($"SkiaImageCodec.Encode: PNG encoding of {image.Shape} failed.");
        return png.ToArray();
    }

    /// <summary>[H,W], [1,H,W] or [3,H,W] in [0, 1] (clamped; NaN becomes 0) as an opaque Skia bitmap.</summary>
    public static SKBitmap ToBitmap(Tensor image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var (c, h, w) = image.Rank switch
        {
            2 => (1, image.Shape[0], image.Shape[1]),
            3 when image.Shape[0] is 1 or 3 => (image.Shape[0], image.Shape[1], image.Shape[2]),
            _ => throw new ShapeMismatchException($"SkiaImageCodec.Encode: expected an image [H,W], [1,H,W] or [3,H,W], got {image.Shape}."),
        };
        if (h <= 0 || w <= 0) throw new ShapeMismatchException($"SkiaImageCodec.Encode: image {image.Shape} is empty.");
        var v = image.ToArray();
        int plane = h * w;
        var bitmap = new SKBitmap(new SKImageInfo(w, h, c == 1 ? SKColorType.Gray8 : SKColorType.Rgba8888, SKAlphaType.Opaque));
        var dst = bitmap.GetPixelSpan();
        int stride = bitmap.RowBytes;
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                int i = y * w + x;
                if (c == 1) dst[y * stride + x] = ToByte(v[i]);
                else
                {
                    int o = y * stride + 4 * x;
                    dst[o] = ToByte(v[i]);
                    dst[o + 1] = ToByte(v[plane + i]);
                    dst[o + 2] = ToByte(v[2 * plane + i]);
                    dst[o + 3] = 255;
                }
            }
        return bitmap;
    }

    static byte ToByte(float v) => v > 0 ? (byte)MathF.Round(Math.Min(v, 1f) * 255f) : (byte)0;
}
