using Fovea.NN;

namespace Fovea.Onnx;

// Exporters of Fovea layers, referenced from the registration table next to the importer of the same operator.
public static partial class OnnxOperators
{
    static OnnxValue Out(Module m, OnnxValue x, string name) => new(name, m.Call(x.Value));

    static readonly OnnxExporter ConvExport = new(typeof(ConvNd), (b, m, x) =>
    {
        var c = (ConvNd)m;
        if (c.Transposed) return ConvTransposeEmit(b, c, x);
        int k = c.KernelSize.Length;
        var input = x.Name;
        var pb = (int[])c.Padding.Clone();
        var pe = (int[])c.Padding.Clone();
        if (c.PaddingMode == "same")
            for (int i = 0; i < k; i++)
            {
                int total = c.Dilation[i] * (c.KernelSize[i] - 1);
                pb[i] = total / 2; pe[i] = total - total / 2;
            }
        else if (c.PaddingMode is not (null or "zeros" or "valid"))
        {
            string mode = c.PaddingMode switch { "reflect" => "reflect", "replicate" => "edge", _ => throw new NotSupportedException($"OnnxExport: padding mode '{c.PaddingMode}' of {c} has no ONNX form.") };
            var pads = new long[2 * (k + 2)];
            for (int i = 0; i < k; i++) { pads[2 + i] = pb[i]; pads[k + 4 + i] = pe[i]; }
            input = b.Node("Pad", [input, b.Int64("pads", pads)], ("mode", mode));
            pb = new int[k]; pe = new int[k];
        }
        var ins = new List<string> { input, b.Initializer("weight", c.Weight) };
        if (c.Bias is not null) ins.Add(b.Initializer("bias", c.Bias));
        var y = b.Node("Conv", [.. ins], ("kernel_shape", c.KernelSize), ("strides", c.Stride), ("pads", pb.Concat(pe).ToArray()),
            ("dilations", c.Dilation), ("group", c.Groups));
        return Out(m, x, y);
    });

    static OnnxValue ConvTransposeEmit(OnnxExportBuilder b, ConvNd c, OnnxValue x)
    {
        var ins = new List<string> { x.Name, b.Initializer("weight", c.Weight) };
        if (c.Bias is not null) ins.Add(b.Initializer("bias", c.Bias));
        var y = b.Node("ConvTranspose", [.. ins], ("kernel_shape", c.KernelSize), ("strides", c.Stride), ("pads", c.Padding.Concat(c.Padding).ToArray()),
            ("output_padding", c.OutputPadding), ("dilations", c.Dilation), ("group", c.Groups));
        return Out(c, x, y);
    }

    static readonly OnnxExporter ConvTransposeExport = ConvExport;

    static readonly OnnxExporter MaxPoolExport = new(typeof(PoolNd), PoolEmit);
    static readonly OnnxExporter AvgPoolExport = MaxPoolExport;   // PoolNd covers max and average pooling layers

    internal static OnnxValue PoolEmit(OnnxExportBuilder b, Module m, OnnxValue x)
    {
        var p = (PoolNd)m;
        bool avg = m.GetType().Name.StartsWith("AvgPool", StringComparison.Ordinal);
        var attrs = new List<(string, object)> { ("kernel_shape", p.KernelSize), ("strides", p.Stride), ("pads", p.Padding.Concat(p.Padding).ToArray()), ("ceil_mode", p.CeilMode ? 1 : 0) };
        if (avg)
        {
            bool include = (bool?)m.GetType().GetProperty("CountIncludePad")?.GetValue(m) ?? true;
            if (m.GetType().GetProperty("DivisorOverride")?.GetValue(m) is not null) throw new NotSupportedException($"OnnxExport: {m} uses divisor_override, which ONNX AveragePool lacks.");
            attrs.Add(("count_include_pad", include ? 1 : 0));
        }
        else if (p.Dilation.Any(d => d != 1)) attrs.Add(("dilations", p.Dilation));
        return Out(m, x, b.Node(avg ? "AveragePool" : "MaxPool", [x.Name], [.. attrs]));
    }

    static readonly OnnxExporter AdaptiveAvgPoolExport = new(typeof(AdaptiveAvgPool2d), (b, m, x) =>
    {
        var y = m.Call(x.Value);
        if (y.Shape[2] == 1 && y.Shape[3] == 1) return new(b.Node("GlobalAveragePool", [x.Name]), y);
        int h = x.Value.Shape[2], w = x.Value.Shape[3], oh = y.Shape[2], ow = y.Shape[3];
        if (h % oh != 0 || w % ow != 0) throw new NotSupportedException($"OnnxExport: {m} from {h}x{w} to {oh}x{ow} has uneven windows, which ONNX pooling cannot express.");
        return new(b.Node("AveragePool", [x.Name], ("kernel_shape", new[] { h / oh, w / ow }), ("strides", new[] { h / oh, w / ow })), y);
    });

    static readonly OnnxExporter LinearExport = new(typeof(Linear), (b, m, x) =>
    {
        var l = (Linear)m;
        if (x.Value.Rank == 2)
        {
            var ins = new List<string> { x.Name, b.Initializer("weight", l.Weight) };
            if (l.Bias is not null) ins.Add(b.Initializer("bias", l.Bias));
            return Out(m, x, b.Node("Gemm", [.. ins], ("transB", 1)));
        }
        var wt = b.Node("Transpose", [b.Initializer("weight", l.Weight)], ("perm", new[] { 1, 0 }));
        var y = b.Node("MatMul", [x.Name, wt]);
        if (l.Bias is not null) y = b.Node("Add", [y, b.Initializer("bias", l.Bias)]);
        return Out(m, x, y);
    });

    static readonly OnnxExporter ActivationExport = new(typeof(ReLU), (b, m, x) => Out(m, x, b.Node("Relu", [x.Name])));
    static readonly OnnxExporter SigmoidExport = new(typeof(Fovea.NN.Sigmoid), (b, m, x) => Out(m, x, b.Node("Sigmoid", [x.Name])));
    static readonly OnnxExporter TanhExport = new(typeof(Fovea.NN.Tanh), (b, m, x) => Out(m, x, b.Node("Tanh", [x.Name])));
    static readonly OnnxExporter IdentityExport = new(typeof(Fovea.NN.Identity), (b, m, x) => Out(m, x, b.Node("Identity", [x.Name])));

    static readonly OnnxExporter SoftmaxExport = new(typeof(Fovea.NN.Softmax), (b, m, x) => SoftmaxEmit(b, m, x, ((Fovea.NN.Softmax)m).Dim, "Softmax"));
    static readonly OnnxExporter LogSoftmaxExport = new(typeof(Fovea.NN.LogSoftmax), (b, m, x) => SoftmaxEmit(b, m, x, (int)m.GetType().GetProperty("Dim")!.GetValue(m)!, "LogSoftmax"));

    static OnnxValue SoftmaxEmit(OnnxExportBuilder b, Module m, OnnxValue x, int dim, string op)
    {
        int axis = dim < 0 ? dim + x.Value.Rank : dim;
        if (b.Opset < 13 && axis != x.Value.Rank - 1) throw new NotSupportedException($"OnnxExport: {m} over a non-last axis needs opset 13 or later.");
        return Out(m, x, b.Node(op, [x.Name], ("axis", axis)));
    }

    static readonly OnnxExporter FlattenExport = new(typeof(Fovea.NN.Flatten), (b, m, x) =>
    {
        var f = (Fovea.NN.Flatten)m;
        var y = m.Call(x.Value);
        int r = x.Value.Rank;
        int s = f.StartDim < 0 ? f.StartDim + r : f.StartDim, e = f.EndDim < 0 ? f.EndDim + r : f.EndDim;
        if (e == r - 1) return new(b.Node("Flatten", [x.Name], ("axis", s)), y);
        var shape = y.Shape.ToArray().Select((d, i) => i == 0 ? 0L : d).ToArray();
        return new(b.Node("Reshape", [x.Name, b.Int64("shape", shape)]), y);
    });

    static readonly OnnxExporter UpsampleExport = new(typeof(Fovea.NN.Upsample), (b, m, x) =>
    {
        var u = (Fovea.NN.Upsample)m;
        var y = m.Call(x.Value);
        var scales = new float[x.Value.Rank];
        for (int i = 0; i < scales.Length; i++) scales[i] = (float)y.Shape[i] / x.Value.Shape[i];
        if (b.Opset < 11) throw new NotSupportedException("OnnxExport: Upsample needs opset 11 or later.");
        string ct = u.Mode == "nearest" ? "asymmetric" : u.AlignCorners == true ? "align_corners" : "pytorch_half_pixel";
        string mode = u.Mode == "nearest" ? "nearest" : "linear";
        var attrs = new List<(string, object)> { ("mode", mode), ("coordinate_transformation_mode", ct) };
        if (mode == "nearest") attrs.Add(("nearest_mode", "floor"));
        return new(b.Node("Resize", [x.Name, "", b.Floats("scales", scales)], [.. attrs]), y);
    });
}

public static partial class OnnxOperators
{
    static readonly OnnxExporter AdaptiveMaxPoolExport = new(typeof(AdaptiveMaxPool2d), (b, m, x) =>
    {
        var y = m.Call(x.Value);
        if (y.Shape[2] == 1 && y.Shape[3] == 1) return new(b.Node("GlobalMaxPool", [x.Name]), y);
        int h = x.Value.Shape[2], w = x.Value.Shape[3], oh = y.Shape[2], ow = y.Shape[3];
        if (h % oh != 0 || w % ow != 0) throw new NotSupportedException($"OnnxExport: {m} from {h}x{w} to {oh}x{ow} has uneven windows, which ONNX pooling cannot express.");
        return new(b.Node("MaxPool", [x.Name], ("kernel_shape", new[] { h / oh, w / ow }), ("strides", new[] { h / oh, w / ow })), y);
    });

    // BatchNorm layers in evaluation mode: running statistics (absent weight/bias become ones/zeros).
    static readonly OnnxExporter BatchNormExport = new(typeof(BatchNormNd), (b, m, x) =>
    {
        var bn = (BatchNormNd)m;
        if (bn.RunningMean is null || bn.RunningVar is null) throw new NotSupportedException($"OnnxExport: {m} keeps no running statistics, so it has no inference form.");
        int c = bn.NumFeatures;
        string scale = b.Initializer("weight", bn.Weight ?? Tensor.Ones(c));
        string bias = b.Initializer("bias", bn.Bias ?? Tensor.Zeros(c));
        string mean = b.Initializer("running_mean", bn.RunningMean);
        string var = b.Initializer("running_var", bn.RunningVar);
        return Out(m, x, b.Node("BatchNormalization", [x.Name, scale, bias, mean, var], ("epsilon", bn.Eps)));
    });

    static readonly OnnxExporter LayerNormExport = new(typeof(Fovea.NN.LayerNorm), (b, m, x) =>
    {
        var ln = (Fovea.NN.LayerNorm)m;
        int axis = x.Value.Rank - ln.NormalizedShape.Length;
        var scale = b.Initializer("weight", ln.Weight ?? Tensor.Ones(ln.NormalizedShape));
        var bias = b.Initializer("bias", ln.Bias ?? Tensor.Zeros(ln.NormalizedShape));
        if (b.Opset >= 17) return Out(m, x, b.Node("LayerNormalization", [x.Name, scale, bias], ("axis", axis), ("epsilon", ln.Eps)));
        var axes = Enumerable.Range(axis, ln.NormalizedShape.Length).ToArray();
        var mean = b.Node("ReduceMean", [x.Name], ("axes", axes), ("keepdims", 1));
        var d = b.Node("Sub", [x.Name, mean]);
        var v = b.Node("ReduceMean", [b.Node("Mul", [d, d])], ("axes", axes), ("keepdims", 1));
        var std = b.Node("Sqrt", [b.Node("Add", [v, b.Floats("eps", ln.Eps)])]);
        return Out(m, x, b.Node("Add", [b.Node("Mul", [b.Node("Div", [d, std]), scale]), bias]));
    });

    static readonly OnnxExporter Relu6Export = new(typeof(ReLU6), (b, m, x) =>
        Out(m, x, b.Node("Clip", [x.Name, b.Scalar("min", 0f), b.Scalar("max", 6f)])));

    static readonly OnnxExporter LeakyReluExport = new(typeof(LeakyReLU), (b, m, x) =>
        Out(m, x, b.Node("LeakyRelu", [x.Name], ("alpha", ((LeakyReLU)m).NegativeSlope))));

    static readonly OnnxExporter EluExport = new(typeof(ELU), (b, m, x) => Out(m, x, b.Node("Elu", [x.Name], ("alpha", ((ELU)m).Alpha))));

    // PReLU's weight [C] becomes a slope [C,1,...] that broadcasts over the channel axis of the traced input.
    static readonly OnnxExporter PReluExport = new(typeof(PReLU), (b, m, x) =>
    {
        var p = (PReLU)m;
        var slope = p.Weight;
        if (p.NumParameters > 1 && x.Value.Rank > 2)
        {
            var shape = new int[x.Value.Rank - 1];
            Array.Fill(shape, 1);
            shape[0] = p.NumParameters;
            slope = Ops.Reshape(slope.Detach(), shape);
        }
        return Out(m, x, b.Node("PRelu", [x.Name, b.Initializer("weight", slope)]));
    });

    static readonly OnnxExporter HardSigmoidExport = new(typeof(Fovea.NN.Hardsigmoid), (b, m, x) =>
        Out(m, x, b.Node("HardSigmoid", [x.Name], ("alpha", 1f / 6f), ("beta", 0.5f))));

    static readonly OnnxExporter HardSwishExport = new(typeof(Fovea.NN.Hardswish), (b, m, x) =>
        Out(m, x, b.Opset >= 14 ? b.Node("HardSwish", [x.Name])
            : b.Node("Mul", [x.Name, b.Node("HardSigmoid", [x.Name], ("alpha", 1f / 6f), ("beta", 0.5f))])));

    // GELU: exact form 0.5·x·(1 + erf(x/√2)); tanh form 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))).
    static readonly OnnxExporter GeluExport = new(typeof(GELU), (b, m, x) =>
    {
        string inner;
        if (((GELU)m).Approximate == "tanh")
        {
            var cube = b.Node("Mul", [x.Name, b.Node("Mul", [x.Name, x.Name])]);
            var s = b.Node("Add", [x.Name, b.Node("Mul", [cube, b.Scalar("c", 0.044715f)])]);
            inner = b.Node("Tanh", [b.Node("Mul", [s, b.Scalar("k", MathF.Sqrt(2f / MathF.PI))])]);
        }
        else inner = b.Node("Erf", [b.Node("Div", [x.Name, b.Scalar("sqrt2", MathF.Sqrt(2f))])]);
        var y = b.Node("Mul", [b.Node("Mul", [x.Name, b.Node("Add", [inner, b.Scalar("one", 1f)])]), b.Scalar("half", 0.5f)]);
        return Out(m, x, y);
    });

    static readonly OnnxExporter SiluExport = new(typeof(SiLU), (b, m, x) => Out(m, x, b.Node("Mul", [x.Name, b.Node("Sigmoid", [x.Name])])));

    static readonly OnnxExporter DropoutExport = new([typeof(Dropout), typeof(Dropout2d)], (b, m, x) => Out(m, x, b.Node("Identity", [x.Name])));
}
