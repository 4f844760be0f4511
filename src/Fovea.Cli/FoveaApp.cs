using Fovea.Cli.Commands;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Fovea.Cli;

/// <summary>The <c>fovea</c> command tree; <see cref="Run"/> is the whole program (tests call it in-process).</summary>
public static class FoveaApp
{
    public static int Run(string[] args)
    {
        Onnx.OnnxModelSpec.Register();      // checkpoints of fine-tuned ONNX models ("onnx" architecture) load everywhere
        // Redirected output (logs, CI) is not wrapped at 80 columns.
        if (Console.IsOutputRedirected && AnsiConsole.Profile.Width < 160) AnsiConsole.Profile.Width = 160;
        var app = new CommandApp();
        app.Configure(c =>
        {
            c.SetApplicationName("fovea");
            c.PropagateExceptions();
            c.AddCommand<TrainCommand>("train").WithDescription("Train a CNN (default: cnn-bn on the embedded Fashion-MNIST subset).")
                .WithExample("train").WithExample("train", "--model", "resnet20", "--data", "/usr/share/datasets/fashion-mnist", "--epochs", "30");
            c.AddCommand<EvalCommand>("eval").WithDescription("Evaluate a checkpoint: accuracy, per-class accuracy, confusion matrix.");
            c.AddCommand<PredictCommand>("predict").WithDescription("Classify image (PNG/JPEG/BMP/WebP) or NPY files with a checkpoint.");
            c.AddCommand<InfoCommand>("info").WithDescription("Show a checkpoint's architecture: layers, output shapes, parameters, multiply-adds.");
            c.AddCommand<ExplainCommand>("explain").WithDescription("Attribution maps (saliency, gradient×input, SmoothGrad, IG, Grad-CAM(++), occlusion, LRP) as overlays and a panel.")
                .WithExample("explain", "--checkpoint", "runs/cnn-bn/model.ckpt", "--data", "/usr/share/datasets/fashion-mnist", "--limit", "6", "--method", "all", "--out", "explain-out");
            c.AddCommand<AttackCommand>("attack").WithDescription("Accuracy under adversarial attacks (FGSM, PGD, MI-FGSM, DeepFool, Carlini-Wagner L2).")
                .WithExample("attack", "--checkpoint", "runs/cnn-bn/model.ckpt", "--method", "pgd", "--eps", "0.1", "--steps", "20", "--data", "/usr/share/datasets/fashion-mnist");
            c.AddCommand<ModelsCommand>("models").WithDescription("List the model zoo.");
            c.AddCommand<ExportCommand>("export").WithDescription("Write a checkpoint as an ONNX model.")
                .WithExample("export", "--checkpoint", "runs/cnn-bn/model.ckpt", "--onnx", "model.onnx");
            c.AddBranch("onnx", b =>
            {
                b.SetDescription("Import, run and test ONNX models.");
                b.AddCommand<OnnxInfoCommand>("info").WithDescription("Inputs, outputs, opset, operator histogram and parameter count of an ONNX model.");
                b.AddCommand<OnnxRunCommand>("run").WithDescription("Run an ONNX model on .npy inputs.").WithExample("onnx", "run", "model.onnx", "--input", "x=x.npy", "--out", "outs");
                b.AddCommand<OnnxTestCommand>("test").WithDescription("Run ONNX backend test folders (rtol 1e-3, atol 1e-7).")
                    .WithExample("onnx", "test", "/usr/share/libonnx-testdata/data/node", "--exclusions", "tools/onnx/exclusions.txt");
                b.AddCommand<OnnxCheckCommand>("check").WithDescription("Compare Fovea with reference outputs written by tools/onnx/export_torchvision.py.");
            });
            c.AddBranch("bench", b =>
            {
                b.SetDescription("Measure kernels and training speed.");
                b.AddCommand<BenchGemmCommand>("gemm").WithDescription("GEMM GFLOP/s for square sizes.");
                b.AddCommand<BenchConvCommand>("conv").WithDescription("Convolution forward and forward+backward over the seven peer shapes (batch 32).");
                b.AddCommand<BenchTrainCommand>("train").WithDescription("Training epoch time and inference throughput (the peer recipe: Adam 1e-3, batch 128).");
            });
        });
        try
        {
            return app.Run(args);
        }
        catch (Exception e)
        {
            return CliErrors.Report(e, args.Contains("--verbose"));
        }
    }
}
