using System.Text;
using Fovea.Onnx.Proto;
using Google.Protobuf;
using AttrType = Fovea.Onnx.Proto.AttributeProto.Types.AttributeType;

namespace Fovea.Onnx.Tests;

/// <summary>Builds tiny ONNX models in memory for the tests (no files from outside the repository).</summary>
internal static class ModelFactory
{
    public static ModelProto Model(GraphProto g, int opset = 13)
    {
        var m = new ModelProto { IrVersion = 8, ProducerName = "fovea-tests", Graph = g };
        m.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = opset });
        return m;
    }

    public static ValueInfoProto Value(string name, params long[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var d in dims)
            shape.Dim.Add(d < 0 ? new TensorShapeProto.Types.Dimension { DimParam = "N" } : new TensorShapeProto.Types.Dimension { DimValue = d });
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = 1, Shape = shape } } };
    }

    public static NodeProto Node(string op, string[] inputs, string[] outputs, string? name = null, params AttributeProto[] attrs)
    {
        var n = new NodeProto { OpType = op, Name = name ?? outputs[0] };
        n.Input.Add(inputs);
        n.Output.Add(outputs);
        n.Attribute.Add(attrs);
        return n;
    }

    public static AttributeProto Ints(string name, params long[] v)
    {
        var a = new AttributeProto { Name = name, Type = AttrType.Ints };
        a.Ints.Add(v);
        return a;
    }

    public static AttributeProto Int(string name, long v) => new() { Name = name, Type = AttrType.Int, I = v };

    public static AttributeProto Float(string name, float v) => new() { Name = name, Type = AttrType.Float, F = v };

    public static AttributeProto Str(string name, string v) => new() { Name = name, Type = AttrType.String, S = ByteString.CopyFrom(Encoding.UTF8.GetBytes(v)) };

    public static TensorProto Floats(string name, float[] data, params long[] dims)
    {
        var t = new TensorProto { Name = name, DataType = 1 };
        t.Dims.Add(dims);
        t.FloatData.Add(data);
        return t;
    }

    public static TensorProto Raw(string name, byte[] data, params long[] dims)
    {
        var t = new TensorProto { Name = name, DataType = 1, RawData = ByteString.CopyFrom(data) };
        t.Dims.Add(dims);
        return t;
    }

    public static float[] Seq(int n, float scale = 0.1f, float offset = 0f)
    {
        var r = new float[n];
        for (int i = 0; i < n; i++) r[i] = offset + scale * ((i * 7 % 11) - 5);
        return r;
    }

    /// <summary>x [N,3,6,6] → Conv(3→4,k3,pad1) → BatchNorm → Relu → GlobalAveragePool → Flatten → Gemm(4→5).</summary>
    public static ModelProto SmallCnn(int opset = 13)
    {
        var g = new GraphProto { Name = "cnn" };
        g.Input.Add(Value("x", -1, 3, 6, 6));
        g.Output.Add(Value("y", -1, 5));
        g.Initializer.Add(Floats("features.0.weight", Seq(4 * 3 * 3 * 3), 4, 3, 3, 3));
        g.Initializer.Add(Floats("features.0.bias", Seq(4, 0.05f), 4));
        g.Initializer.Add(Floats("features.1.weight", Seq(4, 0.1f, 1f), 4));
        g.Initializer.Add(Floats("features.1.bias", Seq(4, 0.1f), 4));
        g.Initializer.Add(Floats("features.1.running_mean", Seq(4, 0.01f), 4));
        g.Initializer.Add(Floats("features.1.running_var", Seq(4, 0.01f, 1f), 4));
        g.Initializer.Add(Floats("fc.weight", Seq(5 * 4, 0.2f), 5, 4));
        g.Initializer.Add(Floats("fc.bias", Seq(5, 0.1f), 5));
        g.Initializer.Add(new TensorProto { Name = "unused_shape", DataType = 7, Dims = { 2 }, Int64Data = { 1, -1 } });
        g.Node.Add(Node("Conv", ["x", "features.0.weight", "features.0.bias"], ["c"], "conv", Ints("kernel_shape", 3, 3), Ints("pads", 1, 1, 1, 1)));
        g.Node.Add(Node("BatchNormalization", ["c", "features.1.weight", "features.1.bias", "features.1.running_mean", "features.1.running_var"], ["b"], "bn"));
        g.Node.Add(Node("Relu", ["b"], ["r"], "relu"));
        g.Node.Add(Node("GlobalAveragePool", ["r"], ["p"], "gap"));
        g.Node.Add(Node("Flatten", ["p"], ["f"], "flatten"));
        g.Node.Add(Node("Gemm", ["f", "fc.weight", "fc.bias"], ["y"], "fc", Int("transB", 1)));
        return Model(g, opset);
    }

    public static byte[] Bytes(ModelProto m) => m.ToByteArray();
}
