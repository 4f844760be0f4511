using Fovea.Data.Transforms;

namespace Fovea.Data;

/// <summary>
/// Images in one sub-folder per class (<c>root/cat/1.png</c>, <c>root/dog/a/2.jpg</c>), like torchvision's
/// <c>ImageFolder</c>: class names are the sub-folder names in ordinal order, files are found recursively and
/// listed in ordinal order. Each image is decoded with the given <see cref="IImageCodec"/> when asked for and
/// resized (bilinear) to one size; call <see cref="Dataset.Materialize"/> to decode everything once.
/// </summary>
public sealed class ImageFolder : Dataset
{
    /// <summary>The file extensions looked at by default.</summary>
    public static IReadOnlyList<string> DefaultExtensions { get; } = [".png", ".jpg", ".jpeg", ".bmp", ".webp", ".gif"];

    readonly IImageCodec _codec;
    readonly string[] _files;
    readonly int[] _labels;
    readonly string[] _classNames;
    readonly int _c, _h, _w;

    /// <param name="root">The folder holding one sub-folder per class.</param>
    /// <param name="codec">Decodes the files (e.g. <c>new SkiaImageCodec()</c> from Fovea.Imaging).</param>
    /// <param name="channels">1 (grey) or 3 (RGB).</param>
    /// <param name="height">Height every image is resized to; default: the first image's.</param>
    /// <param name="width">Width every image is resized to; default: the first image's.</param>
    /// <param name="extensions">File extensions to include (case-insensitive); default <see cref="DefaultExtensions"/>.</param>
    public ImageFolder(string root, IImageCodec codec, int channels = 3, int? height = null, int? width = null, IEnumerable<string>? extensions = null)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(codec);
        if (channels != 1 && channels != 3) throw new ArgumentException($"ImageFolder: channels must be 1 or 3, got {channels}.");
        if (height <= 0 || width <= 0) throw new ArgumentException($"ImageFolder: size {height}x{width} must be positive.");
        if (!Directory.Exists(root)) throw new DirectoryNotFoundException($"ImageFolder: folder '{root}' does not exist.");
        _codec = codec;
        Root = root;
        var ext = new HashSet<string>(extensions ?? DefaultExtensions, StringComparer.OrdinalIgnoreCase);

        var classDirs = Directory.GetDirectories(root).OrderBy(d => Path.GetFileName(d), StringComparer.Ordinal).ToArray();
        if (classDirs.Length == 0) throw new ArgumentException($"ImageFolder: '{root}' has no class sub-folders.");
        _classNames = classDirs.Select(d => Path.GetFileName(d)!).ToArray();
        var files = new List<string>();
        var labels = new List<int>();
        for (int c = 0; c < classDirs.Length; c++)
        {
            var found = Directory.EnumerateFiles(classDirs[c], "*", SearchOption.AllDirectories)
                .Where(f => ext.Contains(Path.GetExtension(f)))
                .Order(StringComparer.Ordinal);
            foreach (var f in found) { files.Add(f); labels.Add(c); }
        }
        if (files.Count == 0) throw new ArgumentException($"ImageFolder: no images ({string.Join(" ", ext)}) under '{root}'.");
        _files = [.. files];
        _labels = [.. labels];
        _c = channels;
        if (height is null || width is null)
        {
            var first = codec.Load(_files[0], channels);
            _h = height ?? first.Shape[1];
            _w = width ?? first.Shape[2];
        }
        else (_h, _w) = (height.Value, width.Value);
    }

    /// <summary>The root folder.</summary>
    public string Root { get; }
    /// <summary>The image files, in sample order.</summary>
    public IReadOnlyList<string> Files => _files;

    public override int Count => _files.Length;
    public override Shape SampleShape => new(_c, _h, _w);
    public override IReadOnlyList<string> ClassNames => _classNames;
    public override int GetLabel(int index) { CheckIndex(index); return _labels[index]; }

    public override void CopySample(int index, Span<float> destination)
    {
        CheckIndex(index);
        var img = _codec.Load(_files[index], _c);
        if (img.Rank != 3 || img.Shape[0] != _c)
            throw new FoveaFormatException($"ImageFolder: codec returned {img.Shape} for '{_files[index]}', expected [{_c},H,W].");
        var src = img.Contiguous().Span;
        Resize.Run(src, _c, img.Shape[1], img.Shape[2], destination, _h, _w);
    }
}
