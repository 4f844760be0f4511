namespace Fovea.Onnx;

// Trigonometric and hyperbolic functions: Sin, Cos and Atan are Fovea ops; the rest are composed from them and
// from Exp/Log/Sqrt, so every one has a gradient.
public static partial class OnnxOperators
{
    static Tensor Tan(Tensor x) => Ops.Div(Ops.Sin(x), Ops.Cos(x));

    // asin x = atan(x / √(1 − x²)), with ±π/2 at |x| = 1
    static Tensor Asin(Tensor x)
    {
        var r = Ops.Sqrt(Ops.Sub(1f, Ops.Square(x)));
        return Ops.Where(Ops.Eq(r, 0f), Ops.Mul(Ops.Sign(x), MathF.PI / 2), Ops.Atan(Ops.Div(x, Ops.Where(Ops.Eq(r, 0f), Tensor.Scalar(1f), r))));
    }

    static Tensor Acos(Tensor x) => Ops.Sub(MathF.PI / 2, Asin(x));

    static Tensor Sinh(Tensor x) => Ops.Mul(Ops.Sub(Ops.Exp(x), Ops.Exp(Ops.Neg(x))), 0.5f);

    static Tensor Cosh(Tensor x) => Ops.Mul(Ops.Add(Ops.Exp(x), Ops.Exp(Ops.Neg(x))), 0.5f);

    static Tensor Asinh(Tensor x) => Ops.Mul(Ops.Sign(x), Ops.Log(Ops.Add(Ops.Abs(x), Ops.Sqrt(Ops.Add(Ops.Square(x), 1f)))));

    static Tensor Acosh(Tensor x) => Ops.Log(Ops.Add(x, Ops.Sqrt(Ops.Sub(Ops.Square(x), 1f))));

    static Tensor Atanh(Tensor x) => Ops.Mul(Ops.Log(Ops.Div(Ops.Add(x, 1f), Ops.Sub(1f, x))), 0.5f);
}
