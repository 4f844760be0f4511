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
