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
}
