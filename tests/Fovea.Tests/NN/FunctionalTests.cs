using Fovea.NN;
using Fovea.Tests.Reference;

namespace Fovea.Tests.NN;

public class FunctionalTests
{
    [Fact]
    public void FunctionalFormsAgreeWithLayers()
    {
        var g = new Generator(12);
        var x = Tensor.Randn(g, 2, 4, 7, 6);
        var conv = new Conv2d(4, 6, 3, stride: 2, padding: 1, groups: 2, generator: g);
        TensorAssert.Close(conv.Call(x), Functional.Conv2d(x, conv.Weight, conv.Bias, stride: 2, padding: 1, groups: 2), 0, 0);
        var lin = new Linear(6, 3, generator: g);
        TensorAssert.Close(lin.Call(x), Functional.Linear(x, lin.Weight, lin.Bias), 0, 0);
        TensorAssert.Close(new MaxPool2d(3, 2, 1).Call(x), Functional.MaxPool2d(x, 3, 2, 1), 0, 0);
        TensorAssert.Close(new AvgPool2d(2).Call(x), Functional.AvgPool2d(x, 2), 0, 0);
        TensorAssert.Close(new AdaptiveAvgPool2d(1).Call(x), Functional.AdaptiveAvgPool2d(x, 1), 0, 0);
        TensorAssert.Close(new Softmax(1).Call(x), Functional.Softmax(x, 1), 0, 0);
        TensorAssert.Close(new LeakyReLU(0.3f).Call(x), Functional.LeakyRelu(x, 0.3f), 0, 0);
        var bn = new BatchNorm2d(4);
        var rm = Tensor.Zeros(4);
        var rv = Tensor.Ones(4);
        TensorAssert.Close(bn.Call(x), Functional.BatchNorm(x, rm, rv, bn.Weight, bn.Bias, training: true), 0, 0);
        TensorAssert.Close(bn.RunningVar!, rv, 0, 0);
        var convT = new ConvTranspose2d(4, 2, 3, stride: 2, padding: 1, outputPadding: 1, generator: g);
        TensorAssert.Close(convT.Call(x), Functional.ConvTranspose2d(x, convT.Weight, convT.Bias, 2, 1, 1), 0, 0);
    }

    [Fact]
    public void LinearChecksShapes()
    {
        var e = Assert.Throws<ShapeMismatchException>(() => Functional.Linear(Tensor.Zeros(2, 5), Tensor.Zeros(3, 4)));
        Assert.Contains("[2,5]", e.Message);
        Assert.Contains("[3,4]", e.Message);
        Assert.Throws<ShapeMismatchException>(() => Functional.Linear(Tensor.Zeros(2, 4), Tensor.Zeros(3, 4), Tensor.Zeros(4)));
    }

    [Fact]
    public void AModelWrittenAsAFunctionTrains()
    {
        // Weights owned by the caller; one SGD step lowers the loss.
        var g = new Generator(13);
        var w1 = Init.KaimingUniform_(Tensor.Zeros(8, 1, 3, 3), nonlinearity: "relu", generator: g).RequiresGrad_();
        var w2 = Init.XavierUniform_(Tensor.Zeros(2, 8 * 3 * 3), generator: g).RequiresGrad_();
        var x = Tensor.Randn(g, 4, 1, 6, 6);
        var target = Tensor.Randn(g, 4, 2);
        Tensor Loss()
        {
            var h = Functional.MaxPool2d(Functional.Relu(Functional.Conv2d(x, w1, padding: 1)), 2);
            var d = Functional.Linear(Functional.Flatten(h, 1), w2) - target;
            return (d * d).Mean();
        }
        var l0 = Loss();
        l0.Backward();
        using (Fovea.Autograd.NoGrad())
        {
            foreach (var w in new[] { w1, w2 })
            {
                var upd = w - w.Grad! * 0.002f;
                upd.CopyTo(w.Storage.AsSpan(w.Offset, w.Numel));
            }
        }
        float l1 = Loss().Item();
        Assert.True(l1 < l0.Item(), $"loss {l0.Item()} -> {l1}");
    }
}
