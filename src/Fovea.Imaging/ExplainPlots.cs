using SkiaSharp;

namespace Fovea.Imaging;

/// <summary>
/// Pictures of attributions as PNG files: a heat map (jet or inferno, computed here) blended over the input image,
/// and a panel of several methods × several images with titles.
/// </summary>
public static class ExplainPlots
{
    /// <summary>Colour maps for the heat maps (cold → hot).</summary>
    public enum ColorMap
    {
        /// <summary>Blue → cyan → yellow → red.</summary>
        Jet,
        /// <summary>Black → purple → orange → pale yellow (perceptually ordered).</summary>
        Inferno,
    }

    // Inferno-like anchors (r, g, b in 0..255) at t = 0, 1/8, ..., 1.
    static readonly float[] InfernoAnchors = [0, 0, 4, 31, 12, 72, 85, 15, 109, 136, 34, 106, 186, 54, 85, 227, 89, 51, 249, 140, 10, 249, 201, 50, 252, 255, 164];

    /// <summary>
    /// An attribution map as a per-pixel heat in [0, 1]: summed over channels, absolute value (or the positive part
    /// with <paramref name="positiveOnly"/>), divided by its 99th percentile and clipped. Accepts [C,H,W] or [H,W].
    /// </summary>
    public static float[] Heat(Tensor attribution, bool positiveOnly = false)
    {
        ArgumentNullException.ThrowIfNull(attribution);
        var (c, h, w) = Dims(attribution, "ExplainPlots.Heat");
        var a = attribution.Contiguous().ToArray();
        int hw = h * w;
        var m = new float[hw];
        for (int ch = 0; ch < c; ch++)
            for (int p = 0; p < hw; p++) m[p] += a[ch * hw + p];
        for (int p = 0; p < hw; p++) m[p] = positiveOnly ? Math.Max(m[p], 0) : Math.Abs(m[p]);
        var sorted = (float[])m.Clone();
        Array.Sort(sorted);
        float top = sorted[Math.Min(hw - 1, (int)(0.99 * (hw - 1) + 0.5))];
        if (!(top > 0)) top = sorted[^1];
        for (int p = 0; p < hw; p++) m[p] = top > 0 && float.IsFinite(m[p]) ? Math.Clamp(m[p] / top, 0f, 1f) : 0f;
        return m;
    }

    /// <summary>The colour of <paramref name="t"/> ∈ [0, 1] under the map, as (r, g, b) in [0, 1].</summary>
    public static (float R, float G, float B) Color(ColorMap map, float t)
    {
        t = float.IsFinite(t) ? Math.Clamp(t, 0f, 1f) : 0f;
        if (map == ColorMap.Jet)
        {
            // MATLAB's jet: dark blue → blue → cyan → yellow → red → dark red, piecewise linear.
            static float Ramp(float v) => Math.Clamp(v, 0f, 1f);
            return (Ramp(1.5f - Math.Abs(4 * t - 3)), Ramp(1.5f - Math.Abs(4 * t - 2)), Ramp(1.5f - Math.Abs(4 * t - 1)));
        }
        // Inferno-like: black → purple → red → orange → pale yellow, linear between nine anchors.
        var k = InfernoAnchors;
        float x = t * 8;
        int i = Math.Min((int)x, 7);
        float f = x - i;
        float R(int j, int ch) => k[j * 3 + ch] / 255f;
        return (R(i, 0) + f * (R(i + 1, 0) - R(i, 0)), R(i, 1) + f * (R(i + 1, 1) - R(i, 1)), R(i, 2) + f * (R(i + 1, 2) - R(i, 2)));
    }

    /// <summary>
    /// The heat (values in [0, 1], [H,W] flattened) coloured and blended over the image ([C,H,W] or [H,W] in [0, 1],
    /// shown in grey when it has one channel): out = (1 − opacity·h^0.5)·image + opacity·h^0.5·colour, so cold
    /// pixels keep the image. Returns [3,H,W] in [0, 1].
    /// </summary>
    public static Tensor Overlay(Tensor image, float[] heat, ColorMap map = ColorMap.Jet, float opacity = 0.6f)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(heat);
        if (!(opacity >= 0 && opacity <= 1)) throw new ArgumentException($"ExplainPlots.Overlay: opacity must be in [0, 1], got {opacity}.");
        var (c, h, w) = Dims(image, "ExplainPlots.Overlay");
        int hw = h * w;
        if (heat.Length != hw) throw new ArgumentException($"ExplainPlots.Overlay: the heat map has {heat.Length} values, the image {h}x{w} pixels.");
        var img = image.Contiguous().ToArray();
        var o = new float[3 * hw];
        for (int p = 0; p < hw; p++)
        {
            var (r, g, b) = Color(map, heat[p]);
            float a = opacity * MathF.Sqrt(Math.Clamp(heat[p], 0f, 1f));
            for (int ch = 0; ch < 3; ch++)
            {
                float v = Math.Clamp(img[(c == 3 ? ch : 0) * hw + p], 0f, 1f);
                float col = ch == 0 ? r : ch == 1 ? g : b;
                o[ch * hw + p] = (1 - a) * v + a * col;
            }
        }
        return Tensor.FromArray(o, 3, h, w);
    }

    /// <summary>Writes <see cref="Overlay"/> of one image and its attribution as a PNG, enlarged to <paramref name="size"/> pixels on the long side.</summary>
    public static void SaveOverlay(string path, Tensor image, Tensor attribution, ColorMap map = ColorMap.Jet, float opacity = 0.6f, int size = 224)
    {
        var rgb = Overlay(image, Heat(attribution), map, opacity);
        int h = rgb.Shape[1], w = rgb.Shape[2];
        float scale = (float)size / Math.Max(h, w);
        int dw = Math.Max(1, (int)Math.Round(w * scale)), dh = Math.Max(1, (int)Math.Round(h * scale));
        using var surface = SKSurface.Create(new SKImageInfo(dw, dh, SKColorType.Rgba8888, SKAlphaType.Premul))
            ?? throw new InvalidOperationException("ExplainPlots.SaveOverlay: could not create a drawing surface.");
        using var bmp = SkiaImageCodec.ToBitmap(rgb);
        using var img = SKImage.FromBitmap(bmp);
        surface.Canvas.DrawImage(img, SKRect.Create(0, 0, dw, dh), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.None));
        using var png = surface.Snapshot().Encode(SKEncodedImageFormat.Png, 100);
        using var f = File.Create(path);
        png.SaveTo(f);
    }

    /// <summary>
    /// A panel: one row per image (its title, e.g. the class and probability, under the input in the first column;
    /// a '\n' starts a second line),
    /// one column per method (titled) holding the heat map blended over the image. <paramref name="images"/> is
    /// [N,C,H,W] in [0, 1]; each method's attribution is [N,C′,H,W].
    /// </summary>
    public static void Panel(string path, Tensor images, IReadOnlyList<(string Name, Tensor Attribution)> methods, IReadOnlyList<string> imageTitles,
        ColorMap map = ColorMap.Jet, float opacity = 0.6f, int cellSize = 128, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(methods);
        ArgumentNullException.ThrowIfNull(imageTitles);
        if (images.Rank != 4) throw new ShapeMismatchException($"ExplainPlots.Panel: expected images [N,C,H,W], got {images.Shape}.");
        int n = images.Shape[0], c = images.Shape[1], h = images.Shape[2], w = images.Shape[3];
        if (n == 0) throw new ArgumentException("ExplainPlots.Panel: no images.");
        if (imageTitles.Count != n) throw new ArgumentException($"ExplainPlots.Panel: {n} images but {imageTitles.Count} titles.");
        if (cellSize < 32) throw new ArgumentException($"ExplainPlots.Panel: cellSize must be at least 32, got {cellSize}.");
        foreach (var (name, a) in methods)
            if (a.Rank != 4 || a.Shape[0] != n || a.Shape[2] != h || a.Shape[3] != w)
                throw new ShapeMismatchException($"ExplainPlots.Panel: attribution '{name}' must be [{n},C,{h},{w}], got {a.Shape}.");

        const int pad = 6, header = 24, caption = 34;
        int top = title is null ? 0 : 30;
        int cols = methods.Count + 1;
        int cellW = cellSize + 2 * pad, cellH = cellSize + caption + 2 * pad;
        int width = cols * cellW, height = top + header + n * cellH;
        if ((long)width * height > 64L * 1024 * 1024) throw new ArgumentException($"ExplainPlots.Panel: {width}x{height} is too large.");
        using var surface = SKSurface.Create(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul))
            ?? throw new InvalidOperationException("ExplainPlots.Panel: could not create a drawing surface.");
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        using var typeface = SKTypeface.FromFamilyName("DejaVu Sans") ?? SKTypeface.Default;
        using var font = new SKFont(typeface, 12);
        using var headFont = new SKFont(typeface, 13) { Embolden = true };
        using var titleFont = new SKFont(typeface, 16) { Embolden = true };
        using var paint = new SKPaint { IsAntialias = true, Color = SKColors.Black };
        if (title is not null) canvas.DrawText(Plots.Fit(title, titleFont, width - 8), width / 2f, 22, SKTextAlign.Center, titleFont, paint);
        canvas.DrawText("input", cellW / 2f, top + 17, SKTextAlign.Center, headFont, paint);
        for (int m = 0; m < methods.Count; m++)
            canvas.DrawText(Plots.Fit(methods[m].Name, headFont, cellW - 4), (m + 1.5f) * cellW, top + 17, SKTextAlign.Center, headFont, paint);

        var all = images.Contiguous().ToArray();
        int per = c * h * w;
        var sampling = new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.None);
        float scale = Math.Min((float)cellSize / w, (float)cellSize / h);
        float dw = w * scale, dh = h * scale;
        var attrs = methods.Select(m => (m.Attribution.Contiguous().ToArray(), m.Attribution.Shape[1])).ToArray();
        for (int i = 0; i < n; i++)
        {
            var img = Tensor.FromArray(all.AsSpan(i * per, per).ToArray(), c, h, w);
            float y0 = top + header + i * cellH + pad;
            for (int col = 0; col < cols; col++)
            {
                Tensor shown;
                if (col == 0) shown = Clamp01(img);
                else
                {
                    var (a, ac) = attrs[col - 1];
                    shown = Overlay(img, Heat(Tensor.FromArray(a.AsSpan(i * ac * h * w, ac * h * w).ToArray(), ac, h, w)), map, opacity);
                }
                using var bmp = SkiaImageCodec.ToBitmap(shown);
                using var skImg = SKImage.FromBitmap(bmp);
                float x0 = col * cellW + pad;
                canvas.DrawImage(skImg, SKRect.Create(x0 + (cellSize - dw) / 2, y0 + (cellSize - dh) / 2, dw, dh), sampling);
            }
            var lines = imageTitles[i].Split('\n');
            for (int l = 0; l < Math.Min(lines.Length, 2); l++)
                canvas.DrawText(Plots.Fit(lines[l], font, cellW - 4), cellW / 2f, y0 + cellSize + 15 + 14 * l, SKTextAlign.Center, font, paint);
        }
        using var png = surface.Snapshot().Encode(SKEncodedImageFormat.Png, 100);
        using var f = File.Create(path);
        png.SaveTo(f);
    }

    /// <summary>
    /// Image pairs side by side (e.g. clean and adversarial), each captioned: <paramref name="cells"/> holds the
    /// images ([C,H,W] in [0, 1]) in pairs, drawn two per row with a magnified |difference| as a third column; a
    /// '\n' in a caption starts a second line.
    /// </summary>
    public static void Pairs(string path, IReadOnlyList<(Tensor Image, string Caption)> cells, string? title = null, int cellSize = 112)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(cells);
        if (cells.Count == 0 || cells.Count % 2 != 0) throw new ArgumentException($"ExplainPlots.Pairs: need a positive, even number of images, got {cells.Count}.");
        const int pad = 6, caption = 34;
        int top = title is null ? 0 : 30, rows = cells.Count / 2;
        int cellW = cellSize + 2 * pad, cellH = cellSize + caption + 2 * pad;
        int width = Math.Max(3 * cellW, 360), height = top + rows * cellH;
        using var surface = SKSurface.Create(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul))
            ?? throw new InvalidOperationException("ExplainPlots.Pairs: could not create a drawing surface.");
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        using var typeface = SKTypeface.FromFamilyName("DejaVu Sans") ?? SKTypeface.Default;
        using var font = new SKFont(typeface, 12);
        using var titleFont = new SKFont(typeface, 14) { Embolden = true };
        using var paint = new SKPaint { IsAntialias = true, Color = SKColors.Black };
        if (title is not null) canvas.DrawText(Plots.Fit(title, titleFont, width - 8), width / 2f, 20, SKTextAlign.Center, titleFont, paint);
        var sampling = new SKSamplingOptions(SKFilterMode.Nearest, SKMipmapMode.None);
        for (int r = 0; r < rows; r++)
        {
            var (a, ca) = cells[2 * r];
            var (b, cb) = cells[2 * r + 1];
            var av = a.Contiguous().ToArray();
            var bv = b.Contiguous().ToArray();
            if (av.Length != bv.Length) throw new ShapeMismatchException($"ExplainPlots.Pairs: pair {r} has shapes {a.Shape} and {b.Shape}.");
            var diff = new float[av.Length];
            float max = 0;
            for (int i = 0; i < av.Length; i++) { diff[i] = Math.Abs(bv[i] - av[i]); max = Math.Max(max, diff[i]); }
            for (int i = 0; i < diff.Length; i++) diff[i] = max > 0 ? diff[i] / max : 0;
            var d = Tensor.FromArray(diff, a.Shape.ToArray());
            var shown = new[] { (Clamp01(a), ca), (Clamp01(b), cb), (d, $"|difference| ×{(max > 0 ? 1 / max : 1):F0}") };
            float y0 = top + r * cellH + pad;
            for (int col = 0; col < 3; col++)
            {
                var (img, cap) = shown[col];
                var (_, h, w) = Dims(img, "ExplainPlots.Pairs");
                float scale = Math.Min((float)cellSize / w, (float)cellSize / h);
                using var bmp = SkiaImageCodec.ToBitmap(img);
                using var sk = SKImage.FromBitmap(bmp);
                float x0 = col * cellW + pad;
                canvas.DrawImage(sk, SKRect.Create(x0 + (cellSize - w * scale) / 2, y0 + (cellSize - h * scale) / 2, w * scale, h * scale), sampling);
                var lines = cap.Split('\n');
                for (int l = 0; l < Math.Min(lines.Length, 2); l++)
                    canvas.DrawText(Plots.Fit(lines[l], font, cellW - 4), x0 + cellSize / 2f, y0 + cellSize + 15 + 14 * l, SKTextAlign.Center, font, paint);
            }
        }
        using var png = surface.Snapshot().Encode(SKEncodedImageFormat.Png, 100);
        using var f = File.Create(path);
        png.SaveTo(f);
    }

    static Tensor Clamp01(Tensor t)
    {
        var v = t.Contiguous().ToArray();
        for (int i = 0; i < v.Length; i++) v[i] = float.IsFinite(v[i]) ? Math.Clamp(v[i], 0f, 1f) : 0f;
        return Tensor.FromArray(v, t.Shape.ToArray());
    }

    static (int C, int H, int W) Dims(Tensor t, string who) => t.Rank switch
    {
        2 => (1, t.Shape[0], t.Shape[1]),
        3 => (t.Shape[0], t.Shape[1], t.Shape[2]),
        _ => throw new ShapeMismatchException($"{who}: expected [C,H,W] or [H,W], got {t.Shape}."),
    };
}
