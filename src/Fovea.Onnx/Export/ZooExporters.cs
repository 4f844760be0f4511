using Fovea.NN;
using Fovea.Vision.Models;

namespace Fovea.Onnx;

/// <summary>
/// Exporters for the model zoo's blocks whose forward is more than their children in order: each replays its
/// block's forward (see <c>src/Fovea/Vision/Models</c>) with ONNX nodes, exporting the children by name.
/// </summary>
internal static class ZooExporters
{
    internal static void RegisterAll(Action<Type, OnnxModuleExporter> register)
    {
        // Children in registration order: stem, stages, head.
        register(typeof(ResNet), InOrder);
        register(typeof(WideResNet), InOrder);
        register(typeof(BasicBlock), BasicBlockEmit);
        register(typeof(WideBlock), WideBlockEmit);
    }

    static OnnxValue InOrder(OnnxExportBuilder b, Module m, OnnxValue x)
    {
        foreach (var (n, c) in m.NamedChildren()) x = b.Emit(c, x, n);
        return x;
    }

    static bool Has(Module m, string child) => m.NamedChildren().Any(c => c.Name == child);

    static OnnxValue Relu(OnnxExportBuilder b, OnnxValue x) => new(b.Node("Relu", [x.Name]), Ops.Relu(x.Value));

    static OnnxValue Add(OnnxExportBuilder b, OnnxValue a, OnnxValue c) => new(b.Node("Add", [a.Name, c.Name]), Ops.Add(a.Value, c.Value));

    // relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x))
    static OnnxValue BasicBlockEmit(OnnxExportBuilder b, Module m, OnnxValue x)
    {
        var y = Relu(b, b.EmitChild(m, "bn1", b.EmitChild(m, "conv1", x)));
        y = b.EmitChild(m, "bn2", b.EmitChild(m, "conv2", y));
        var s = Has(m, "shortcut") ? b.EmitChild(m, "shortcut", x) : x;
        return Relu(b, Add(b, y, s));
    }

    // a = relu(bn1(x)); y = conv2(relu(bn2(dropout(conv1(a))))); y + (shortcut(a) or x)
    static OnnxValue WideBlockEmit(OnnxExportBuilder b, Module m, OnnxValue x)
    {
        var a = Relu(b, b.EmitChild(m, "bn1", x));
        var y = b.EmitChild(m, "conv1", a);
        if (Has(m, "dropout")) y = b.EmitChild(m, "dropout", y);
        y = b.EmitChild(m, "conv2", Relu(b, b.EmitChild(m, "bn2", y)));
        return Add(b, y, Has(m, "shortcut") ? b.EmitChild(m, "shortcut", a) : x);
    }
}
