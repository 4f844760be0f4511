using Fovea.Data.Transforms;
using Fovea.Imaging;
using Fovea.IO;
using Fovea.Vision.Models;

namespace Fovea.Cli.Commands;

/// <summary>Reads the image and NPY inputs of predict, explain and attack the same way.</summary>
static class InputImages
{
    /// <summary>An image (PNG/JPEG/BMP/WebP) or NPY file as the [1, C, S, S] pixel batch (values in [0,1], not normalised) that a checkpoint's model takes.</summary>
    public static Tensor LoadPixels(string path, ModelSpec spec)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Input '{path}' does not exist.");
        Tensor img;
        if (path.EndsWith(".npy", StringComparison.OrdinalIgnoreCase))
        {
            img = Npy.Load(path);
            if (img.Rank == 4 && img.Shape[0] == 1) img = img.Reshape(img.Shape[1], img.Shape[2], img.Shape[3]);
            if (img.Rank == 2) img = img.Reshape(1, img.Shape[0], img.Shape[1]);
            if (img.Rank != 3) throw new ShapeMismatchException($"{path}: expected an image array [H,W], [C,H,W] or [1,C,H,W], got {img.Shape}.");
        }
        else img = SkiaImageCodec.Default.Decode(File.ReadAllBytes(path), path, spec.InChannels);
        return Fit(img, spec, path);
    }

    /// <summary>Converts the channels (grey or RGB) and the size of an image [C,H,W] to the model's input, as a batch of one.</summary>
    public static Tensor Fit(Tensor img, ModelSpec spec, string what)
    {
        if (img.Shape[0] != spec.InChannels)
        {
            if (img.Shape[0] is not (1 or 3)) throw new ShapeMismatchException($"{what}: {img.Shape[0]} channels; expected 1 or 3.");
            img = (spec.InChannels == 1 ? (Transform)new ToGrey() : new ToRgb()).Apply(img);
        }
        if (img.Shape[1] != spec.ImageSize || img.Shape[2] != spec.ImageSize) img = new Resize(spec.ImageSize).Apply(img);
        return img.Contiguous().Reshape(1, spec.InChannels, spec.ImageSize, spec.ImageSize);
    }
}
