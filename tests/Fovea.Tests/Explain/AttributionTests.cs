using Fovea.Explain;
using Fovea.NN;
using Fovea.Tests.Reference;
using Fovea.Tests.RobustTests;

namespace Fovea.Tests.ExplainTests;

public class AttributionTests
{
    // logits = W·flatten(x) + b: ∂ logit_c / ∂ x = W[c], so every gradient method has a closed form.
    static (Sequential Model, float[] W) LinearModel(int seed, int classes = 3, int c = 1, int h = 5, int w = 4)
    {
        var lin = new Linear(c * h * w, classes, generator: new Generator(seed));
        return (new Sequential(new Flatten(), lin), lin.Weight.ToArray());
    }

    [Fact]
    public void SaliencyAndGradientTimesInputOfALinearModelAreTheWeightRow()
    {
        var (model, w) = LinearModel(1);
        var x = Tensor.Rand(new Generator(2), 2, 1, 5, 4);
        var target = Tensor.FromArray([2f, 0f], 2);
        var s = Attribution.Saliency(model, x, target);
        var gx = Attribution.GradientTimesInput(model, x, target);
        var xs = x.ToArray();
        var es = new float[40];
        var eg = new float[40];
        for (int i = 0; i < 2; i++)
            for (int j = 0; j < 20; j++)
            {
                float wij = w[(i == 0 ? 2 : 0) * 20 + j];
                es[i * 20 + j] = Math.Abs(wij);
                eg[i * 20 + j] = wij * xs[i * 20 + j];
            }
        TensorAssert.Close(es, s);
        TensorAssert.Close(eg, gx);
        Assert.Null(model.Parameters().First().Grad);           // parameter gradients are left alone
    }

    [Fact]
    public void IntegratedGradientsAreComplete()
    {
        // Completeness (Sundararajan et al.): Σ attributions = f(x) − f(baseline), up to the trapezoid rule's error.
        var model = TinyModels.Cnn(5);
        model.Eval();
        var (x, _) = TinyModels.Blobs(3, 6);
        var baseline = Tensor.Full([1, 1, 8, 8], 0.1f);
        var target = Tensor.FromArray([0f, 1f, 3f], 3);
        var ig = Attribution.IntegratedGradients(model, x, target, baseline, steps: 256, batchSize: 100);
        float[] fx, fb;
        using (Autograd.NoGrad())
        {
            fx = model.Call(x).ToArray();
            fb = model.Call(baseline).ToArray();
        }
        var a = ig.ToArray();
        for (int i = 0; i < 3; i++)
        {
            int c = (int)target[i];
            double sum = 0;
            for (int j = 0; j < 64; j++) sum += a[i * 64 + j];
            double expected = fx[i * 4 + c] - fb[c];
            Assert.True(Math.Abs(sum - expected) <= 0.01 * Math.Abs(expected) + 1e-4, $"sample {i}: Σ IG = {sum}, f(x) − f(x′) = {expected}");
        }
    }

    [Fact]
    public void OcclusionOfSinglePixelsOnALinearModelIsGradientTimesInput()
    {
        // Replacing pixel j by 0 lowers logit_c by W[c,j]·x_j.
        var (model, _) = LinearModel(3);
        var x = Tensor.Rand(new Generator(4), 2, 1, 5, 4);
        var occ = Attribution.Occlusion(model, x, window: 1, stride: 1, baselineValue: 0f);
        var gx = Attribution.GradientTimesInput(model, x);
        TensorAssert.Close(gx, occ, atol: 1e-5f, rtol: 1e-3f);
    }

    [Fact]
    public void SmoothGradIsSeededAndReducesToSaliencyWithoutNoise()
    {
        var model = TinyModels.Cnn(7);
        model.Eval();
        var (x, _) = TinyModels.Blobs(2, 8);
        var a = Attribution.SmoothGrad(model, x, noiseLevel: 0.2f, samples: 4, generator: new Generator(9));
        var b = Attribution.SmoothGrad(model, x, noiseLevel: 0.2f, samples: 4, generator: new Generator(9));
        TensorAssert.Close(a, b, 0, 0);
        TensorAssert.Close(Attribution.Saliency(model, x), Attribution.SmoothGrad(model, x, noiseLevel: 0f, samples: 2));
        Assert.Throws<ArgumentException>(() => Attribution.SmoothGrad(model, x, samples: 0));
    }

    [Fact]
    public void GradCamMatchesAHandComputation()
    {
        // conv1x1 (K=2) → global average pool → linear: ∂ logit_c / ∂ A_k(i,j) = V[c,k] / (h·w), so the Grad-CAM weight
        // of channel k is V[c,k] / (h·w) and the map is ReLU(Σ_k V[c,k]/(h·w) · A_k).
        var conv = new Conv2d(1, 2, 1, bias: false);
        new float[] { 1.5f, -0.5f }.CopyTo(conv.Weight.Detach().Span);
        var lin = new Linear(2, 2);
        float[] v = [0.7f, -1.2f, -0.3f, 0.9f];
        v.CopyTo(lin.Weight.Detach().Span);
        var model = new Sequential(conv, new AdaptiveAvgPool2d(1), new Flatten(), lin);
        model.Eval();
        var x = Tensor.Rand(new Generator(11), 2, 1, 3, 4) - 0.3f;
        var target = Tensor.FromArray([0f, 1f], 2);
        var cam = GradCam.Compute(model, x, "0", target);
        Assert.Equal(new Shape([2, 1, 3, 4]), cam.Shape);
        var xs = x.ToArray();
        var expected = new float[24];
        for (int n = 0; n < 2; n++)
        {
            int c = (int)target[n];
            for (int p = 0; p < 12; p++)
            {
                float a0 = 1.5f * xs[n * 12 + p], a1 = -0.5f * xs[n * 12 + p];
                expected[n * 12 + p] = Math.Max(0f, v[c * 2] / 12f * a0 + v[c * 2 + 1] / 12f * a1);
            }
        }
        TensorAssert.Close(expected, cam, 1e-6f, 1e-4f);
    }

    [Fact]
    public void GradCamUpsamplesToTheInputAndNamesUnknownLayers()
    {
        var (model, x, _) = TinyModels.TrainedCnn();
        var xb = x.Narrow(0, 0, 4).Contiguous();
        var cam = GradCam.Compute(model, xb, GradCam.LastConvName(model));
        var pp = GradCam.ComputePlusPlus(model, xb, "4");
        Assert.Equal(new Shape([4, 1, 8, 8]), cam.Shape);
        Assert.Equal(new Shape([4, 1, 8, 8]), pp.Shape);
        Assert.All(cam.ToArray(), v => Assert.True(v >= 0 && float.IsFinite(v)));
        Assert.All(pp.ToArray(), v => Assert.True(v >= 0 && float.IsFinite(v)));
        Assert.True(cam.ToArray().Max() > 0);
        Assert.Equal("3", GradCam.LastConvName(model));
        Assert.Equal("4", GradCam.DefaultLayerName(model));                                     // the ReLU after it
        Assert.Equal("6", GradCam.DefaultLayerName(Vision.Models.ModelZoo.Create("cnn-bn")));    // conv 4, BN 5, ReLU 6
        Assert.Equal("stages.8", GradCam.DefaultLayerName(Vision.Models.ModelZoo.Create("resnet20")));      // the last residual block
        var e = Assert.Throws<ArgumentException>(() => GradCam.Compute(model, xb, "nope"));
        Assert.Contains("'nope'", e.Message);
        Assert.Contains("3 (Conv2d)", e.Message);
    }
}
