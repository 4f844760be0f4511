using Fovea.NN;

namespace Fovea.Onnx;

/// <summary>Runs one ONNX node with Fovea ops (so gradients flow): inputs in node order, null for omitted ones.</summary>
public delegate Tensor?[] OnnxImporter(OnnxNode node, Tensor?[] inputs, OnnxContext ctx);

/// <summary>Emits the ONNX nodes for one Fovea module applied to <paramref name="input"/>; returns the value it produced.</summary>
public delegate OnnxValue OnnxModuleExporter(OnnxExportBuilder builder, Module module, OnnxValue input);

/// <summary>An exporter for the modules of the given types (and their subclasses).</summary>
public sealed record OnnxExporter(Type[] ModuleTypes, OnnxModuleExporter Emit)
{
    /// <summary>An exporter for one module type.</summary>
    public OnnxExporter(Type moduleType, OnnxModuleExporter emit) : this([moduleType], emit) { }
}

/// <summary>
/// One row of the registration table: operator, the first opset this handler implements, the importer, the
/// exporter (null when Fovea has no layer that exports to it), an optional load-time check of the node's
/// attributes, and which inputs are learnable (weights) or saved state (buffers) when they are initializers.
/// </summary>
public sealed record OnnxOperator(string OpType, int Since, OnnxImporter Import, OnnxExporter? Export, Action<OnnxNode>? Check, int[] Weights, int[] Buffers);
