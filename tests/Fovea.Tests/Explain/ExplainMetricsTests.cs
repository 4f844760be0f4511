using Fovea.Explain;
using Fovea.NN;
using Fovea.Tests.RobustTests;

namespace Fovea.Tests.ExplainTests;

public class ExplainMetricsTests
{
    [Fact]
    public void SpearmanHandlesOrderReversalAndTies()
    {
        Assert.Equal(1.0, ExplainMetrics.Spearman([1f, 2f, 3f, 10f], [0f, 5f, 6f, 7f]), 9);
        Assert.Equal(-1.0, ExplainMetrics.Spearman([1f, 2f, 3f, 4f], [4f, 3f, 2f, 1f]), 9);
        // ranks of [1,1,2] are [0.5,0.5,2]; of [1,2,3] [0,1,2]: r = 0.866...
        Assert.Equal(Math.Sqrt(3) / 2, ExplainMetrics.Spearman([1f, 1f, 2f], [1f, 2f, 3f]), 9);
    }

    [Fact]
    public void DeletingTheMostImportantPixelsFirstLowersTheScoreFaster()
    {
        var (model, x, _) = TinyModels.TrainedCnn();
        var xb = x.Narrow(0, 0, 8).Contiguous();
        var ig = Attribution.IntegratedGradients(model, xb, steps: 16);
        var good = ExplainMetrics.PerturbationCurve(model, xb, ig, steps: 16);
        var bad = ExplainMetrics.PerturbationCurve(model, xb, -ig, steps: 16);
        Assert.Equal(17, good.Fractions.Length);
        Assert.Equal(8, good.SampleAucs.Length);
        Assert.True(good.Auc < bad.Auc, $"deletion AUC: IG order {good.Auc}, reversed {bad.Auc}");
        var ins = ExplainMetrics.PerturbationCurve(model, xb, ig, insertion: true, steps: 16);
        var insBad = ExplainMetrics.PerturbationCurve(model, xb, -ig, insertion: true, steps: 16);
        Assert.True(ins.Auc > insBad.Auc, $"insertion AUC: IG order {ins.Auc}, reversed {insBad.Auc}");
        Assert.All(good.MeanScores, p => Assert.InRange(p, 0, 1));
    }

    [Fact]
    public void RandomisationCheckNamesLayersTopDownAndGivesCorrelations()
    {
        var (model, x, _) = TinyModels.TrainedCnn();
        var xb = x.Narrow(0, 0, 6).Contiguous();
        Func<Module> build = () => { var m = TinyModels.Cnn(99); m.Eval(); return m; };
        var cascade = SanityCheck.ModelRandomisation(model, build, (m, xi, t) => Attribution.Saliency(m, xi, t), xb);
        Assert.Equal(["6", "3", "0"], cascade.Layers);
        Assert.All(cascade.MeanSpearman, r => Assert.InRange(r, -1, 1));
        Assert.True(cascade.Final < 0.9, $"saliency of a fully randomised model should not match the trained one: {cascade.Final}");
        var independent = SanityCheck.ModelRandomisation(model, build, (m, xi, t) => Attribution.Saliency(m, xi, t), xb, RandomisationMode.Independent);
        Assert.Equal(3, independent.MeanSpearman.Length);
        // the trained model itself is untouched
        var again = Attribution.Saliency(model, xb);
        Reference.TensorAssert.Close(Attribution.Saliency(model, xb), again, 0, 0);
    }

    [Fact]
    public void ObjectMaskFindsBrightPixelsAndFillsTheHolesTheyEnclose()
    {
        // A 6x6 image with a bright ring around a dark 2x2 hole, a bright dot in the corner and a dark notch in the
        // ring's wall that lets the background reach one inner pixel.
        var img = new float[36];
        for (int r = 1; r <= 4; r++)
            for (int q = 1; q <= 4; q++)
                if (r is 1 or 4 || q is 1 or 4) img[r * 6 + q] = 0.8f;
        img[0] = 0.5f;
        var x = Tensor.FromArray(img, 1, 1, 6, 6);
        var bright = ExplainMetrics.ObjectMask(x);
        Assert.Equal(13, bright.Count(b => b));
        Assert.False(bright[2 * 6 + 2]);
        var silhouette = ExplainMetrics.ObjectMask(x, fillHoles: true);
        Assert.Equal(17, silhouette.Count(b => b));
        Assert.True(silhouette[2 * 6 + 2] && silhouette[3 * 6 + 3]);
        img[4 * 6 + 2] = 0;                                   // open the wall below the hole
        var opened = ExplainMetrics.ObjectMask(Tensor.FromArray(img, 1, 1, 6, 6), fillHoles: true);
        Assert.Equal(12, opened.Count(b => b));               // the hole and the notch are background now
        // RGB: a pixel counts when any channel is above the background level.
        var rgb = Tensor.FromArray([0f, 0.1f, 0f, 0f, 0f, 0f, 0f, 0.9f, 0f, 0f, 0f, 0f], 1, 3, 2, 2);
        Assert.Equal([false, true, false, true], ExplainMetrics.ObjectMask(rgb));
    }

    [Fact]
    public void MassInsideIsTheShareOfTheMapOnTheMaskPerImage()
    {
        var x = Tensor.Zeros(2, 1, 2, 2);
        var map = Tensor.FromArray([1f, 3f, 0f, 0f, 0f, 0f, 0f, 0f], 2, 1, 2, 2);
        bool[] mask = [false, true, true, false, true, true, true, true];
        var share = ExplainMetrics.MassInside(map, x, mask);
        Assert.Equal(0.75, share[0], 12);
        Assert.True(double.IsNaN(share[1]));                   // an all-zero map has no mass to place
        Assert.Throws<ArgumentException>(() => ExplainMetrics.MassInside(-map, x, mask));
        Assert.Throws<ArgumentException>(() => ExplainMetrics.MassInside(map, x, [true]));
    }
}
