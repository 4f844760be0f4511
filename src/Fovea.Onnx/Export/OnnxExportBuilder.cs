using System.Text;
using Fovea.NN;
using Fovea.Onnx.Proto;
using Google.Protobuf;
using AttrType = Fovea.Onnx.Proto.AttributeProto.Types.AttributeType;

namespace Fovea.Onnx;

/// <summary>
/// Builds an ONNX graph while tracing a forward pass: each module's exporter receives the value entering it (name
/// and traced tensor), appends nodes and initializers, and returns the value leaving it. Initializers are named
/// after the module's state-dict keys ("features.0.weight"), so an exported and re-imported model keeps its names.
/// </summary>
public sealed class OnnxExportBuilder
{
    readonly GraphProto _graph = new() { Name = "fovea" };
    readonly HashSet<string> _names = new(StringComparer.Ordinal);
    readonly Stack<string> _prefix = new();
    readonly Dictionary<Type, OnnxModuleExporter> _custom;
    int _counter;

    internal OnnxExportBuilder(int opset, Dictionary<Type, OnnxModuleExporter> custom)
    {
        Opset = opset;
        _custom = custom;
    }

    /// <summary>The opset being written.</summary>
    public int Opset { get; }

    internal GraphProto Graph => _graph;

    /// <summary>A fresh value name built from a hint.</summary>
    public string Fresh(string hint)
    {
        string b = hint.Length == 0 ? "v" : hint;
        string n = b;
        while (!_names.Add(n)) n = $"{b}_{++_counter}";
        return n;
    }

    string Scoped(string local) => _prefix.Count == 0 ? local : _prefix.Peek() + "." + local;

    /// <summary>Adds a float initializer named after the current module path plus <paramref name="local"/>.</summary>
    public string Initializer(string local, Tensor t)
    {
        string name = Fresh(Scoped(local));
        _graph.Initializer.Add(OnnxTensors.FromTensor(t.Detach(), name));
        return name;
    }

    /// <summary>Adds an INT64 constant initializer (shapes, axes, pads).</summary>
    public string Int64(string hint, params long[] values)
    {
        string name = Fresh(Scoped(hint));
        _graph.Initializer.Add(OnnxTensors.Int64(name, values));
        return name;
    }

    /// <summary>Adds a float constant initializer holding the given values as a 1-D tensor.</summary>
    public string Floats(string hint, params float[] values)
    {
        string name = Fresh(Scoped(hint));
        _graph.Initializer.Add(OnnxTensors.FromTensor(Tensor.FromArray(values, values.Length), name));
        return name;
    }

    /// <summary>Adds a 0-D float constant initializer.</summary>
    public string Scalar(string hint, float value)
    {
        string name = Fresh(Scoped(hint));
        _graph.Initializer.Add(OnnxTensors.FromTensor(Tensor.Scalar(value), name));
        return name;
    }

    /// <summary>Appends a node with one output; attributes are (name, value) with int, long, float, string, int[], long[] or float[] values.</summary>
    public string Node(string op, string[] inputs, params (string Name, object Value)[] attributes)
    {
        string output = Fresh(Scoped(op.ToLowerInvariant()));
        var n = new NodeProto { OpType = op, Name = output };
        n.Input.Add(inputs);
        n.Output.Add(output);
        foreach (var (name, value) in attributes) n.Attribute.Add(Attr(name, value));
        _graph.Node.Add(n);
        return output;
    }

    static AttributeProto Attr(string name, object v)
    {
        var a = new AttributeProto { Name = name };
        switch (v)
        {
            case int i: a.Type = AttrType.Int; a.I = i; break;
            case long l: a.Type = AttrType.Int; a.I = l; break;
            case float f: a.Type = AttrType.Float; a.F = f; break;
            case string s: a.Type = AttrType.String; a.S = ByteString.CopyFrom(Encoding.UTF8.GetBytes(s)); break;
            case int[] ia: a.Type = AttrType.Ints; a.Ints.Add(ia.Select(x => (long)x)); break;
            case long[] la: a.Type = AttrType.Ints; a.Ints.Add(la); break;
            case float[] fa: a.Type = AttrType.Floats; a.Floats.Add(fa); break;
            default: throw new ArgumentException($"OnnxExportBuilder: attribute '{name}' has an unsupported value type {v.GetType().Name}.");
        }
        return a;
    }

    /// <summary>
    /// Exports <paramref name="module"/> applied to <paramref name="x"/>: a registered exporter for its type (or a
    /// base type), or, for a <see cref="Sequential"/>, its children in order. <paramref name="name"/> is the
    /// module's name inside its parent (used for initializer names).
    /// </summary>
    public OnnxValue Emit(Module module, OnnxValue x, string? name = null)
    {
        if (name is not null) _prefix.Push(_prefix.Count == 0 || _prefix.Peek().Length == 0 ? name : _prefix.Peek() + "." + name);
        try
        {
            var fn = Find(module.GetType());
            if (fn is not null) return fn(this, module, x);
            if (module is Sequential)
            {
                foreach (var (n, child) in module.NamedChildren()) x = Emit(child, x, n);
                return x;
            }
            throw new NotSupportedException($"OnnxExport: no exporter for module type '{module.GetType().FullName}' ({module.TypeName}); register one with OnnxExport.RegisterModule.");
        }
        finally
        {
            if (name is not null) _prefix.Pop();
        }
    }

    /// <summary>Exports a child of the module being exported (looked up by its registered name).</summary>
    public OnnxValue EmitChild(Module parent, string childName, OnnxValue x)
    {
        foreach (var (n, c) in parent.NamedChildren())
            if (n == childName) return Emit(c, x, n);
        throw new ArgumentException($"OnnxExport: {parent.TypeName} has no child '{childName}'.");
    }

    OnnxModuleExporter? Find(Type t)
    {
        for (var cur = t; cur is not null; cur = cur.BaseType)
        {
            if (_custom.TryGetValue(cur, out var c)) return c;
            foreach (var e in OnnxOperators.Exporters) if (Array.IndexOf(e.ModuleTypes, cur) >= 0) return e.Emit;
        }
        return null;
    }

    /// <summary>Adds a graph input or output description.</summary>
    internal static ValueInfoProto ValueInfo(string name, int[] dims, bool dynamicBatch)
    {
        var shape = new TensorShapeProto();
        for (int i = 0; i < dims.Length; i++)
            shape.Dim.Add(i == 0 && dynamicBatch ? new TensorShapeProto.Types.Dimension { DimParam = "N" } : new TensorShapeProto.Types.Dimension { DimValue = dims[i] });
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = 1, Shape = shape } } };
    }
}
