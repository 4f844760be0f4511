namespace Fovea.Data;

/// <summary>
/// Turns image files into tensors and back, so the core never links an image library: <c>Fovea.Imaging</c>'s
/// <c>SkiaImageCodec</c> implements it. Decoded images are float tensors [C,H,W] with values in [0, 1].
/// Implementations must be safe to call from several threads at once.
/// </summary>
public interface IImageCodec
{
    /// <summary>
    /// Decodes an encoded image to [C,H,W] in [0, 1]. <paramref name="channels"/>: 1 for grey, 3 for RGB, 0 for the
    /// file's own (1 for grey files, otherwise 3; alpha is dropped). Throws <see cref="FoveaFormatException"/>
    /// naming <paramref name="name"/> for corrupt, unsupported or oversized images.
    /// </summary>
    Tensor Decode(ReadOnlySpan<byte> data, string name, int channels = 0);

    /// <summary>Encodes [H,W], [1,H,W] or [3,H,W] (values clamped to [0, 1]) as a PNG file's bytes.</summary>
    byte[] Encode(Tensor image);

    /// <summary>Reads and decodes an image file.</summary>
    Tensor Load(string path, int channels = 0) => Decode(File.ReadAllBytes(path), path, channels);

    /// <summary>Encodes and writes an image file (PNG).</summary>
    void Save(Tensor image, string path) => File.WriteAllBytes(path, Encode(image));
}
