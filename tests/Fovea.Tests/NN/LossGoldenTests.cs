using Fovea.NN;
using Fovea.Tests.Optim;
using Fovea.Tests.Reference;

namespace Fovea.Tests.NN;

/// <summary>Every loss's value, input gradient and (where PyTorch has one) target gradient against PyTorch 1.13 (optim.bin).</summary>
public class LossGoldenTests
{
    public static TheoryData<string, string> Cases()
    {
        var d = new TheoryData<string, string>();
        foreach (var kind in OptimGolden.Children("loss/"))
            foreach (var i in OptimGolden.Children($"loss/{kind}/")) d.Add(kind, i);
        return d;
    }

    [Fact]
    public void EveryLossHasReferenceCases()
    {
        var kinds = OptimGolden.Children("loss/").ToHashSet();
        foreach (var k in new[] { "ce", "nll", "mse", "l1", "smoothl1", "huber", "bce", "bcelogits", "kldiv" }) Assert.Contains(k, kinds);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesPyTorch(string kind, string i)
    {
        string pre = $"loss/{kind}/{i}/";
        var x = OptimGolden.Get(pre + "input").Clone().RequiresGrad_();
        var expectTargetGrad = OptimGolden.Find(pre + "tgrad");
        var t = OptimGolden.Get(pre + "target").Clone();
        if (expectTargetGrad is not null) t.RequiresGrad_();
        var w = OptimGolden.Find(pre + "weight");
        var pw = OptimGolden.Find(pre + "pos_weight");
        var args = OptimGolden.Get(pre + "args").ToArray();
        var r = (LossReduction)(int)args[0] switch
        {
            (LossReduction)0 => LossReduction.None,
            (LossReduction)1 => LossReduction.Mean,
            (LossReduction)2 => LossReduction.Sum,
            _ => LossReduction.BatchMean,
        };
        int ignore = (int)args[1];
        float smoothing = args[2], param = args[3];
        bool logTarget = args[4] != 0;
        Loss loss = kind switch
        {
            "ce" => new CrossEntropyLoss(w, ignore, r, smoothing),
            "nll" => new NLLLoss(w, ignore, r),
            "mse" => new MSELoss(r),
            "l1" => new L1Loss(r),
            "smoothl1" => new SmoothL1Loss(r, param),
            "huber" => new HuberLoss(r, param),
            "bce" => new BCELoss(w, r),
            "bcelogits" => new BCEWithLogitsLoss(w, r, pw),
            "kldiv" => new KLDivLoss(r, logTarget),
            _ => throw new InvalidOperationException(kind),
        };
        var y = loss.Forward(x, t);
        TensorAssert.Close(OptimGolden.Get(pre + "value"), y, atol: 1e-5f, rtol: 1e-4f);
        var u = OptimGolden.Find(pre + "upstream");
        if (u is null) y.Backward(); else y.Backward(u);
        TensorAssert.Close(OptimGolden.Get(pre + "grad"), x.Grad!, atol: 1e-5f, rtol: 1e-4f);
        if (expectTargetGrad is null) return;
        var et = expectTargetGrad.ToArray();
        if (kind == "kldiv" && !logTarget)
        {
            // d/dt of t·log t at t = 0 is PyTorch's NaN (xlogy's 0/0); Fovea gives 0 there, the one-sided limit being
            // −inf and those entries contributing nothing to the loss. Compare the other entries only.
            var tv = t.ToArray();
            for (int k = 0; k < et.Length; k++) if (tv[k] == 0) { Assert.True(float.IsNaN(et[k])); et[k] = t.Grad!.ToArray()[k]; }
        }
        TensorAssert.Close(et, t.Grad!, atol: 1e-5f, rtol: 1e-4f);
    }
}
