using ScottPlot;
using SkiaSharp;

namespace Fovea.Imaging;

/// <summary>
/// Pictures of a training run as PNG files: loss and accuracy curves, a confusion matrix, and a grid of sample
/// images with their predictions. Drawn with ScottPlot (and SkiaSharp for the image grid).
/// </summary>
public static class Plots
{
    static readonly Color Train = Color.FromHex("#1f77b4");
    static readonly Color Validation = Color.FromHex("#ff7f0e");

    /// <summary>
    /// Two panels side by side: loss per epoch (left) and accuracy per epoch (right), training and validation
    /// curves in each. Any series may be null or empty; epochs are numbered from 1. Accuracy is a fraction in [0, 1]
    /// and is drawn in percent.
    /// </summary>
    public static void TrainingCurves(string path, IReadOnlyList<double>? trainLoss, IReadOnlyList<double>? validationLoss = null,
        IReadOnlyList<double>? trainAccuracy = null, IReadOnlyList<double>? validationAccuracy = null, string? title = null,
        string validationLabel = "validation",
        int width = 1200, int height = 480)
    {
        ArgumentNullException.ThrowIfNull(path);
        CheckSize("TrainingCurves", width, height);
        bool hasLoss = Any(trainLoss) || Any(validationLoss), hasAcc = Any(trainAccuracy) || Any(validationAccuracy);
        var panels = new List<Plot>();
        if (hasLoss || !hasAcc)
        {
            var loss = NewPlot();
            AddCurve(loss, trainLoss, "train", Train, 1);
            AddCurve(loss, validationLoss, validationLabel, Validation, 1);
            Finish(loss, title is null ? "Loss" : $"{title}: loss", "Loss", Alignment.UpperRight);
            panels.Add(loss);
        }
        if (hasAcc)
        {
            var acc = NewPlot();
            AddCurve(acc, trainAccuracy, "train", Train, 100);
            AddCurve(acc, validationAccuracy, validationLabel, Validation, 100);
            Finish(acc, title is null ? "Accuracy" : $"{title}: accuracy", "Accuracy (%)", Alignment.LowerRight);
            panels.Add(acc);
        }
        var mp = new Multiplot(panels[0]);
        for (int i = 1; i < panels.Count; i++) mp.AddPlot(panels[i]);
        mp.Layout = new ScottPlot.MultiplotLayouts.Columns();
        mp.SavePng(path, width, height);
    }

    static bool Any(IReadOnlyList<double>? v)
    {
        if (v is null) return false;
        foreach (double x in v) if (double.IsFinite(x)) return true;
        return false;
    }

    static Plot NewPlot()
    {
        var p = new Plot();
        p.Font.Set(SansFont);
        return p;
    }

    /// <summary>The first sans-serif family this machine has (ScottPlot's own choice otherwise).</summary>
    static readonly string SansFont = FindSans();

    static string FindSans()
    {
        foreach (string name in new[] { "DejaVu Sans", "Liberation Sans", "Arial", "Helvetica", "Noto Sans" })
        {
            using var tf = SKTypeface.FromFamilyName(name);
            if (tf is not null && tf.FamilyName == name) return name;
        }
        return Fonts.Sans;
    }

    // One scatter per run of finite values, so a NaN epoch leaves a gap rather than a line across it.
    static void AddCurve(Plot p, IReadOnlyList<double>? values, string label, Color color, double scale)
    {
        if (values is null) return;
        bool many = values.Count > 60, labelled = false;
        var xs = new List<double>();
        var ys = new List<double>();
        for (int i = 0; i <= values.Count; i++)
        {
            if (i < values.Count && double.IsFinite(values[i]))
            {
                xs.Add(i + 1);
                ys.Add(values[i] * scale);
                continue;
            }
            if (xs.Count == 0) continue;
            var s = p.Add.Scatter(xs.ToArray(), ys.ToArray());
            if (!labelled) s.LegendText = label;
            labelled = true;
            s.Color = color;
            s.LineWidth = 2;
            s.MarkerSize = many ? 0 : 6;
            xs.Clear();
            ys.Clear();
        }
    }

    static void Finish(Plot p, string title, string yLabel, Alignment legend)
    {
        p.Title(title);
        p.XLabel("Epoch");
        p.YLabel(yLabel);
        p.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        if (p.GetPlottables().Any()) p.ShowLegend(legend);
        else p.Add.Annotation("no data");
    }

    /// <summary>
    /// A heat map of <paramref name="counts"/>[true, predicted] with every count written in its cell, true classes
    /// down the side and predicted classes along the bottom. Cells are coloured by the fraction of their row (the
    /// recall of that class), so rare classes are as readable as common ones. Above 20 classes zero counts are left
    /// blank. Without a title, the title gives the
    /// overall accuracy.
    /// </summary>
    public static void ConfusionMatrix(string path, int[,] counts, IReadOnlyList<string> classNames, string? title = null, int size = 0)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(counts);
        ArgumentNullException.ThrowIfNull(classNames);
        int n = counts.GetLength(0);
        if (n == 0 || counts.GetLength(1) != n || classNames.Count != n)
            throw new ArgumentException($"Plots.ConfusionMatrix: counts must be square [{classNames.Count},{classNames.Count}] to match the class names, got [{counts.GetLength(0)},{counts.GetLength(1)}].");
        if (size == 0) size = Math.Clamp(200 + 60 * n, 500, 2400);
        CheckSize("ConfusionMatrix", size, size);

        var frac = new double[n, n];
        long total = 0, correct = 0;
        for (int r = 0; r < n; r++)
        {
            long row = 0;
            for (int c = 0; c < n; c++)
            {
                if (counts[r, c] < 0) throw new ArgumentException($"Plots.ConfusionMatrix: negative count {counts[r, c]} at [{r},{c}].");
                row += counts[r, c];
            }
            for (int c = 0; c < n; c++) frac[r, c] = row == 0 ? 0 : (double)counts[r, c] / row;
            total += row;
            correct += counts[r, r];
        }

        var p = NewPlot();
        var hm = p.Add.Heatmap(frac);
        hm.Colormap = new ScottPlot.Colormaps.Blues().Reversed();   // light = few, dark = many
        hm.ManualRange = new ScottPlot.Range(0, 1);
        // Row r of the data is drawn at y = n-1-r (first class on top); the extent runs through the corner cells'
        // centres (cells are centred on their points), so cell (r, c) is centred on (c, n-1-r).
        hm.Extent = new CoordinateRect(0, n - 1, 0, n - 1);
        float fontSize = (float)Math.Clamp(size / (n * 4.0), 8, 22);
        for (int r = 0; r < n; r++)
            for (int c = 0; c < n; c++)
            {
                if (n > 20 && counts[r, c] == 0) continue;            // large matrices: zeros would only clutter
                var t = p.Add.Text(counts[r, c].ToString(System.Globalization.CultureInfo.InvariantCulture), c, n - 1 - r);
                t.LabelAlignment = Alignment.MiddleCenter;
                t.LabelFontSize = fontSize;
                t.LabelFontColor = frac[r, c] > 0.5 ? Colors.White : Colors.Black;
            }
        var ticks = Enumerable.Range(0, n).Select(i => (double)i).ToArray();
        p.Axes.Bottom.SetTicks(ticks, [.. classNames]);
        p.Axes.Left.SetTicks(ticks, classNames.Reverse().ToArray());
        p.Axes.Bottom.TickLabelStyle.Rotation = -45;
        p.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleRight;
        p.Axes.Bottom.TickLabelStyle.OffsetY = 6;
        p.Axes.Bottom.MinimumSize = 30 + 5 * classNames.Max(s => s.Length);
        p.Axes.SetLimits(-0.5, n - 0.5, -0.5, n - 0.5);
        p.XLabel("Predicted");
        p.YLabel("True");
        double acc = total == 0 ? 0 : (double)correct / total;
        p.Title(title ?? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"Confusion matrix: accuracy {100 * acc:F1}% of {total}"));
        var bar = p.Add.ColorBar(hm);
        bar.Label = "fraction of true class";
        bar.Axis.TickGenerator = new ScottPlot.TickGenerators.NumericFixedInterval(0.1);
        bar.MinimumSize = 90;
        p.HideGrid();
        p.SavePng(path, size + 170, size);
    }

    /// <summary>
    /// A grid of images ([N,C,H,W] or [N,H,W], C = 1 or 3) each captioned with its predicted class, in green when it
    /// matches <paramref name="truth"/> and in red (with the true class) when it does not. Values in [0, 1] are shown
    /// as they are; an image with values outside that range (e.g. normalised) is stretched to its own min..max.
    /// </summary>
    public static void SampleGrid(string path, Tensor images, int[] predicted, int[] truth, IReadOnlyList<string> classNames,
        int columns = 8, int cellSize = 112)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(predicted);
        ArgumentNullException.ThrowIfNull(truth);
        ArgumentNullException.ThrowIfNull(classNames);
        var (n, c, h, w) = images.Rank switch
        {
            3 => (images.Shape[0], 1, images.Shape[1], images.Shape[2]),
            4 when images.Shape[1] is 1 or 3 => (images.Shape[0], images.Shape[1], images.Shape[2], images.Shape[3]),
            _ => throw new ShapeMismatchException($"Plots.SampleGrid: expected images [N,C,H,W] with C 1 or 3, or [N,H,W], got {images.Shape}."),
        };
        if (predicted.Length != n || truth.Length != n)
            throw new ArgumentException($"Plots.SampleGrid: {n} images but {predicted.Length} predictions and {truth.Length} true labels.");
        if (n == 0 || h == 0 || w == 0) throw new ArgumentException($"Plots.SampleGrid: no images to draw ({images.Shape}).");
        if (columns <= 0 || cellSize < 32) throw new ArgumentException($"Plots.SampleGrid: columns {columns} must be positive and cellSize {cellSize} at least 32.");

        columns = Math.Min(columns, n);
        int rows = (n + columns - 1) / columns;
        const int pad = 8, caption = 34;
        int cellW = cellSize + 2 * pad, cellH = cellSize + caption + 2 * pad;
        int title = 36;
        int width = columns * cellW, height = title + rows * cellH;
        CheckSize("SampleGrid", width, height);

        var all = images.ToArray();
        int per = c * h * w;
        using var surface = SKSurface.Create(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul))
            ?? throw new InvalidOperationException("Plots.SampleGrid: could not create a drawing surface.");
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        using var typeface = SKTypeface.FromFamilyName(SansFont) ?? SKTypeface.Default;
        using var font = new SKFont(typeface, 13);
        using var titleFont = new SKFont(typeface, 18) { Embolden = true };
        using var paint = new SKPaint { IsAntialias = true };
        var green = new SKColor(0x1B, 0x8A, 0x2F);
        var red = new SKColor(0xD0, 0x1C, 0x1C);

        int right = 0;
        for (int i = 0; i < n; i++) if (predicted[i] == truth[i]) right++;
        paint.Color = SKColors.Black;
        canvas.DrawText($"{right} of {n} correct", width / 2f, 25, SKTextAlign.Center, titleFont, paint);

        var sampling = new SKSamplingOptions(SKFilterMode.Nearest, SKMipmapMode.None);
        for (int i = 0; i < n; i++)
        {
            int gx = i % columns, gy = i / columns;
            float x0 = gx * cellW + pad, y0 = title + gy * cellH + pad;
            using var bmp = SkiaImageCodec.ToBitmap(Tensor.FromArray(Displayable(all.AsSpan(i * per, per)), c, h, w));
            using var img = SKImage.FromBitmap(bmp);
            float scale = Math.Min((float)cellSize / w, (float)cellSize / h);
            float dw = w * scale, dh = h * scale;
            var rect = SKRect.Create(x0 + (cellSize - dw) / 2, y0 + (cellSize - dh) / 2, dw, dh);
            canvas.DrawImage(img, rect, sampling);

            bool ok = predicted[i] == truth[i];
            paint.Color = ok ? green : red;
            paint.Style = SKPaintStyle.Stroke;
            paint.StrokeWidth = 3;
            canvas.DrawRect(SKRect.Inflate(rect, 2, 2), paint);
            paint.Style = SKPaintStyle.Fill;
            string pred = Name(classNames, predicted[i]);
            float cx = x0 + cellSize / 2f, ty = rect.Bottom + 18;
            canvas.DrawText(Fit(pred, font, cellW - 4), cx, ty, SKTextAlign.Center, font, paint);
            if (!ok) canvas.DrawText(Fit("true: " + Name(classNames, truth[i]), font, cellW - 4), cx, ty + 15, SKTextAlign.Center, font, paint);
        }
        using var png = surface.Snapshot().Encode(SKEncodedImageFormat.Png, 100);
        using (var f = File.Create(path)) png.SaveTo(f);
    }

    static string Name(IReadOnlyList<string> names, int i) => (uint)i < (uint)names.Count ? names[i] : i.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>s, cut with an ellipsis to fit <paramref name="width"/> pixels in <paramref name="font"/>.</summary>
    internal static string Fit(string s, SKFont font, float width)
    {
        if (font.MeasureText(s) <= width) return s;
        while (s.Length > 1 && font.MeasureText(s + "…") > width) s = s[..^1];
        return s + "…";
    }

    static float[] Displayable(ReadOnlySpan<float> v)
    {
        float lo = float.PositiveInfinity, hi = float.NegativeInfinity;
        foreach (float x in v) { if (x < lo) lo = x; if (x > hi) hi = x; }
        var o = v.ToArray();
        if (lo >= 0 && hi <= 1) return o;
        float range = hi > lo ? hi - lo : 1;
        for (int i = 0; i < o.Length; i++) o[i] = (o[i] - lo) / range;
        return o;
    }

    static void CheckSize(string who, int width, int height)
    {
        if (width < 100 || height < 100 || (long)width * height > 64L * 1024 * 1024)
            throw new ArgumentException($"Plots.{who}: size {width}x{height} must be at least 100x100 and at most 64 megapixels.");
    }
}
