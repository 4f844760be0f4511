using System.Text;
using Fovea.Onnx.Proto;
using AttrType = Fovea.Onnx.Proto.AttributeProto.Types.AttributeType;

namespace Fovea.Onnx;

/// <summary>
/// One ONNX node as the importers see it: its operator, inputs, outputs and attributes read through typed getters
/// that name the node and the attribute on error ("ONNX node 'conv1' (Conv): attribute 'pads' must be INTS, got FLOAT").
/// </summary>
public sealed class OnnxNode
{
    readonly Dictionary<string, AttributeProto> _attrs = new(StringComparer.Ordinal);
    readonly string? _baseDir;

    internal OnnxNode(NodeProto p, int index, int opset, string? baseDir)
    {
        Proto = p;
        OpType = p.OpType;
        Domain = p.Domain;
        Name = string.IsNullOrEmpty(p.Name) ? $"#{index}" : p.Name;
        Inputs = [.. p.Input];
        Outputs = [.. p.Output];
        Opset = opset;
        _baseDir = baseDir;
        foreach (var a in p.Attribute)
            if (!_attrs.TryAdd(a.Name, a)) throw Error($"attribute '{a.Name}' appears twice");
    }

    internal NodeProto Proto { get; }

    /// <summary>The operator ("Conv").</summary>
    public string OpType { get; }

    /// <summary>The operator's domain ("" for the default ONNX operator set).</summary>
    public string Domain { get; }

    /// <summary>The node's name, or "#index" when it has none.</summary>
    public string Name { get; }

    /// <summary>Input value names; "" marks an omitted optional input.</summary>
    public string[] Inputs { get; }

    /// <summary>Output value names.</summary>
    public string[] Outputs { get; }

    /// <summary>
    /// The ONNX element type of each input where the graph declares it (graph inputs, initializers, value_info,
    /// Cast outputs), 0 where unknown. Values are float32 at run time; the declared type drives CastLike.
    /// </summary>
    public int[] InputTypes { get; internal set; } = [];

    /// <summary>The model's opset for the node's domain.</summary>
    public int Opset { get; }

    /// <summary>Node and operator, for messages: "ONNX node 'conv1' (Conv)".</summary>
    public override string ToString() => $"ONNX node '{Name}' ({OpType})";

    /// <summary>A format error naming this node.</summary>
    public FoveaFormatException Error(string what) => new($"{this}: {what}.");

    /// <summary>True when the attribute is present.</summary>
    public bool Has(string name) => _attrs.ContainsKey(name);

    /// <summary>The attribute names present.</summary>
    public IEnumerable<string> AttributeNames => _attrs.Keys;

    AttributeProto? Get(string name, AttrType want)
    {
        if (!_attrs.TryGetValue(name, out var a)) return null;
        var t = a.Type;
        if (t == AttrType.Undefined) t = Infer(a);
        if (t != want) throw Error($"attribute '{name}' must be {want.ToString().ToUpperInvariant()}, got {t.ToString().ToUpperInvariant()}");
        return a;
    }

    static AttrType Infer(AttributeProto a) =>
        a.Ints.Count > 0 ? AttrType.Ints : a.Floats.Count > 0 ? AttrType.Floats : a.Strings.Count > 0 ? AttrType.Strings
        : a.T is not null ? AttrType.Tensor : !a.S.IsEmpty ? AttrType.String : a.F != 0 ? AttrType.Float : AttrType.Int;

    /// <summary>An INT attribute (default when absent).</summary>
    public long Int(string name, long dflt) => Get(name, AttrType.Int)?.I ?? dflt;

    /// <summary>An INT attribute that must be present.</summary>
    public long Int(string name) => Get(name, AttrType.Int)?.I ?? throw Error($"required attribute '{name}' is missing");

    /// <summary>An INT attribute as a 32-bit int, range-checked.</summary>
    public int Int32(string name, int dflt)
    {
        long v = Int(name, dflt);
        if (v < int.MinValue || v > int.MaxValue) throw Error($"attribute '{name}' = {v} is out of range");
        return (int)v;
    }

    /// <summary>A FLOAT attribute (default when absent).</summary>
    public float Float(string name, float dflt) => Get(name, AttrType.Float)?.F ?? dflt;

    /// <summary>A STRING attribute (default when absent).</summary>
    public string String(string name, string dflt)
    {
        var a = Get(name, AttrType.String);
        return a is null ? dflt : Encoding.UTF8.GetString(a.S.Span);
    }

    /// <summary>An INTS attribute, or null when absent.</summary>
    public long[]? Longs(string name) => Get(name, AttrType.Ints) is { } a ? [.. a.Ints] : null;

    /// <summary>An INTS attribute as 32-bit ints (range-checked), or null when absent.</summary>
    public int[]? Ints(string name)
    {
        var l = Longs(name);
        if (l is null) return null;
        var r = new int[l.Length];
        for (int i = 0; i < l.Length; i++)
        {
            if (l[i] < int.MinValue || l[i] > int.MaxValue) throw Error($"attribute '{name}'[{i}] = {l[i]} is out of range");
            r[i] = (int)l[i];
        }
        return r;
    }

    /// <summary>A FLOATS attribute, or null when absent.</summary>
    public float[]? Floats(string name) => Get(name, AttrType.Floats) is { } a ? [.. a.Floats] : null;

    /// <summary>A TENSOR attribute read as a float tensor, or null when absent.</summary>
    public Tensor? TensorAttr(string name) =>
        Get(name, AttrType.Tensor) is { } a ? OnnxTensors.ToTensor(a.T, _baseDir, $"{this} attribute '{name}'") : null;

    /// <summary>The ONNX data type of a TENSOR attribute, or 0 when absent.</summary>
    public int TensorAttrType(string name) => Get(name, AttrType.Tensor) is { } a ? a.T.DataType : 0;

    /// <summary>Throws when an attribute the importer does not implement is set to a non-default value.</summary>
    public void Unsupported(string attribute, string why)
    {
        if (Has(attribute)) throw new OnnxUnsupportedException($"{this}: attribute '{attribute}' is not supported ({why}).");
    }
}
