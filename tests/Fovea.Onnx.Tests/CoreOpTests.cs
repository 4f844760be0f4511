namespace Fovea.Onnx.Tests;

/// <summary>The core ops added for ONNX (src/Fovea/Ops/Sin.cs, Cos.cs, Atan.cs): values against System.Math, gradients by finite differences.</summary>
public class CoreOpTests
{
    public static TheoryData<string> Names() => ["Sin", "Cos", "Atan"];

    static Tensor Apply(string op, Tensor x) => op switch { "Sin" => Ops.Sin(x), "Cos" => Ops.Cos(x), _ => Ops.Atan(x) };

    static double Reference(string op, double v) => op switch { "Sin" => Math.Sin(v), "Cos" => Math.Cos(v), _ => Math.Atan(v) };

    [Theory]
    [MemberData(nameof(Names))]
    public void ValuesMatchSystemMathOverOddLengths(string op)
    {
        var g = new Generator(11);
        foreach (int n in new[] { 0, 1, 7, 15, 16, 17, 31, 33, 100, 257 })
        {
            var x = Ops.Mul(Tensor.Randn(g, n), 3f);
            var y = Apply(op, x).ToArray();
            var xv = x.ToArray();
            for (int i = 0; i < n; i++) Assert.True(Math.Abs(Reference(op, xv[i]) - y[i]) < 2e-6, $"{op}({xv[i]}) = {y[i]}, expected {Reference(op, xv[i])}");
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void GradientMatchesFiniteDifferences(string op)
    {
        // d/dx sin = cos, d/dx cos = −sin, d/dx atan = 1/(1+x²)
        var x = Tensor.Randn(new Generator(12), 3, 5).RequiresGrad_();
        var r = GradCheck.Check(xs => Apply(op, xs[0]), [x]);
        Assert.True(r.Ok, r.Message);
    }

    [Fact]
    public void WorksOnNonContiguousInput()
    {
        var x = Ops.Transpose(Tensor.Randn(new Generator(13), 4, 6), 0, 1);
        Assert.Equal(Ops.Sin(x.Contiguous()).ToArray(), Ops.Sin(x).ToArray());
    }
}
