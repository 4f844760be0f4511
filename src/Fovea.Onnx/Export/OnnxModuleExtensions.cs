using Fovea.NN;

namespace Fovea.Onnx;

/// <summary>ONNX export as an extension of <see cref="Module"/>.</summary>
public static class OnnxModuleExtensions
{
    /// <summary>Writes the module to an ONNX file, tracing one forward pass on <paramref name="sampleInput"/>; see <see cref="OnnxExport"/>.</summary>
    public static void ExportOnnx(this Module module, string path, Tensor sampleInput, int opset = 13) =>
        OnnxExport.Save(module, path, sampleInput, opset);
}
