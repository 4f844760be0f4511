using System.Diagnostics;
using Fovea.Kernels;
using Fovea.NN;
using Fovea.Vision.Models;

namespace Fovea.Benchmarks;

/// <summary>Micro-kernel and block-size sweeps behind the constants in Gemm.Driver.cs (see bench/NOTES.md).</summary>
static unsafe class Tuning
{
    // Median milliseconds of 5 calls after 2 warm-up calls.
    static double Ms(Action f)
    {
        f(); f();
        var t = new double[5];
        for (int i = 0; i < t.Length; i++) { long t0 = Stopwatch.GetTimestamp(); f(); t[i] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds; }
        Array.Sort(t);
        return t[t.Length / 2];
    }

    public static void Run(string[] args)
    {
        string what = args.Length > 0 ? args[0] : "kernels";
        // The GEMM modes take a size and a thread count; the others read their own arguments.
        bool sizeArgs = what is not ("b1-parts" or "transpose" or "winograd-tiles" or "onnx-loop" or "infer-loop" or "conv-loop" or "gemv" or "infer-layers" or "shapes" or "winograd" or "winograd-error" or "small-vs-winograd");
        int n = sizeArgs && args.Length > 1 ? int.Parse(args[1]) : 1024;
        int threads = sizeArgs && args.Length > 2 ? int.Parse(args[2]) : 1;
        if (what == "kernels")
        {
            foreach (var kind in new[] { Gemm.KernelKind.V512, Gemm.KernelKind.V512x6x64, Gemm.KernelKind.V512x8x48, Gemm.KernelKind.V256 })
                if (Gemm.IsSupported(kind)) Console.WriteLine($"{kind,-10} n={n} t={threads}: {Time(kind, n, n, n, threads):F1} GFLOP/s");
        }
        else if (what == "shapes")
        {
            // Layer-like shapes: conv as GEMM (Cout x pixels x Cin*9), its two backward products, a linear layer.
            (string name, bool ta, bool tb, int m, int n, int k)[] shapes =
            [
                ("conv 64x3136x576", false, false, 64, 3136, 576),
                ("conv dX 576x3136x64 (A^T)", true, false, 576, 3136, 64),
                ("conv dW 64x576x3136 (B^T)", false, true, 64, 576, 3136),
                ("linear 256x512x1024 (B^T)", false, true, 256, 512, 1024),
                ("1024 A^T B^T", true, true, 1024, 1024, 1024),
                ("odd 1000x999x997", false, false, 1000, 999, 997),
                ("small m 64x1024x1024", false, false, 64, 1024, 1024),
                ("m=336 336x3136x576", false, false, 336, 3136, 576),
            ];
            var kinds = args.Skip(1).Select(Enum.Parse<Gemm.KernelKind>).ToArray();
            if (kinds.Length > 0)
            {
                foreach (var (name, ta, tb, m, nn, k) in shapes)
                    Console.WriteLine($"{name,-28} t=1: " + string.Join("  ", kinds.Select(kd => $"{kd} {Time(kd, m, nn, k, 1, ta, tb),6:F1}")));
                return;
            }
            foreach (var (name, ta, tb, m, nn, k) in shapes)
                foreach (int t in new[] { 1, 2 })
                {
                    Gemm.DirectB = false;
                    double packed = Time(Gemm.Choose(m, nn), m, nn, k, t, ta, tb);
                    Gemm.DirectB = true;
                    double direct = Time(Gemm.Choose(m, nn), m, nn, k, t, ta, tb);
                    Console.WriteLine($"{name,-28} t={t}: B always packed {packed,6:F1}, B read in place when possible {direct,6:F1} GFLOP/s");
                }
        }
        else if (what == "winograd")
        {
            // ConvKernel's three passes (ms, median of 5, batch 32 or args[3], 2 threads) on the peer's 3x3 shapes: im2col+GEMM
            // (Winograd disabled) vs Winograd F(2x2)/F(4x4) at several block sizes; 3 interleaved rounds.
            var only = args.Length > 1 ? args[1] : "bcde";
            (string name, int ci, int co, int size)[] cases =
            [
                ("b", 32, 64, 14), ("c", 64, 64, 56), ("d", 128, 128, 28), ("e", 256, 256, 14),
                // Other common layers (not in the peer's set): ResNet/VGG stages, unequal channel counts.
                ("v", 512, 512, 7), ("w", 128, 128, 56), ("x", 256, 256, 28), ("y", 64, 128, 28), ("z", 32, 32, 28), ("s", 16, 16, 28), ("t", 16, 32, 14),
            ];
            (string name, bool off, WinogradConv.Variant v, int target)[] configs =
            [
                ("im2col", true, WinogradConv.Variant.F4x4, 128),
                ("F2 t64", false, WinogradConv.Variant.F2x2, 64), ("F2 t128", false, WinogradConv.Variant.F2x2, 128), ("F2 t256", false, WinogradConv.Variant.F2x2, 256),
                ("F4 t64", false, WinogradConv.Variant.F4x4, 64), ("F4 t128", false, WinogradConv.Variant.F4x4, 128), ("F4 t256", false, WinogradConv.Variant.F4x4, 256),
            ];
            // `tune winograd cde 96,128,192`: the automatic variant at these block sizes instead.
            if (args.Length > 2)
                configs = [("im2col", true, WinogradConv.Variant.Auto, 128), .. args[2].Split(',').Select(t => ($"auto t{t}", false, WinogradConv.Variant.Auto, int.Parse(t)))];
            int savedMin = WinogradConv.MinChannels;
            WinogradConv.MinChannels = 1;
            var r = new Random(1);
            foreach (var (name, ci, co, size) in cases)
            {
                if (!only.Contains(name)) continue;
                int batch = args.Length > 3 ? int.Parse(args[3]) : 32;
                var geo = new ConvGeometry(batch, ci, co, 1, [size, size], [size, size], [3, 3], [1, 1], [1, 1], [1, 1]);
                var x = new float[geo.InputLength]; var w = new float[geo.WeightLength]; var y = new float[geo.OutputLength];
                var dy = new float[geo.OutputLength]; var dx = new float[geo.InputLength]; var dw = new float[geo.WeightLength];
                foreach (var a in new[] { x, w, dy }) for (int i = 0; i < a.Length; i++) a[i] = (float)(r.NextDouble() * 2 - 1);
                for (int round = 0; round < 3; round++)
                    foreach (var (cn, off, v, target) in configs)
                    {
                        WinogradConv.Disabled = off; WinogradConv.Selected = v; WinogradConv.TileTarget = target;
                        double f = Ms(() => ConvKernel.Forward(x, w, default, y, geo));
                        double bi = Ms(() => ConvKernel.BackwardInput(dy, w, dx, geo));
                        double bw = Ms(() => ConvKernel.BackwardWeight(dy, x, dw, geo));
                        Console.WriteLine($"{name} {ci}->{co} {size}x{size} round {round} {cn,-8}: fwd {f,6:F2}  dx {bi,6:F2}  dw {bw,6:F2}  fwd+bwd {f + bi + bw,6:F2} ms");
                    }
            }
            WinogradConv.Disabled = false; WinogradConv.Selected = WinogradConv.Variant.Auto; WinogradConv.TileTarget = 128; WinogradConv.MinChannels = savedMin;
        }
        else if (what == "small-vs-winograd")
        {
            // Forward as dispatched (ConvKernel.Forward: the small-sample path for one image, Winograd otherwise) vs
            // WinogradConv.Forward with each tile size, and both gradients with Winograd on and off, on 32->64 14x14
            // (ms, median of 5, 2 threads, 5 interleaved rounds); args[1] = batch sizes (default 1,32,256).
            var batches = args.Length > 1 ? args[1].Split(',').Select(int.Parse).ToArray() : [1, 32, 256];
            var r = new Random(1);
            foreach (int batch in batches)
            {
                var geo = new ConvGeometry(batch, 32, 64, 1, [14, 14], [14, 14], [3, 3], [1, 1], [1, 1], [1, 1]);
                var x = new float[geo.InputLength]; var w = new float[geo.WeightLength]; var y = new float[geo.OutputLength];
                foreach (var a in new[] { x, w }) for (int i = 0; i < a.Length; i++) a[i] = (float)(r.NextDouble() * 2 - 1);
                for (int round = 0; round < 5; round++)
                {
                    double s = Ms(() => ConvKernel.Forward(x, w, default, y, geo));
                    double f2 = Ms(() => { WinogradConv.Selected = WinogradConv.Variant.F2x2; WinogradConv.Forward(x, w, default, y, geo); });
                    double f4 = Ms(() => { WinogradConv.Selected = WinogradConv.Variant.F4x4; WinogradConv.Forward(x, w, default, y, geo); });
                    WinogradConv.Selected = WinogradConv.Variant.Auto;
                    var dy = y; var dx = new float[geo.InputLength]; var dw = new float[geo.WeightLength];
                    double dxW = Ms(() => ConvKernel.BackwardInput(dy, w, dx, geo)), dwW = Ms(() => ConvKernel.BackwardWeight(dy, x, dw, geo));
                    WinogradConv.Disabled = true;
                    double dxS = Ms(() => ConvKernel.BackwardInput(dy, w, dx, geo)), dwS = Ms(() => ConvKernel.BackwardWeight(dy, x, dw, geo));
                    WinogradConv.Disabled = false;
                    Console.WriteLine($"32->64 14x14 batch {batch} round {round}: fwd dispatched {s,7:F3}  F(2x2) {f2,7:F3}  F(4x4) {f4,7:F3} | dx Winograd {dxW,7:F3} other {dxS,7:F3} | dw Winograd {dwW,7:F3} other {dwS,7:F3} ms");
                }
            }
        }
        else if (what == "infer-layers")
        {
            // Per-layer wall time of fmnist-cnn's forward under NoGrad at batch 256 and batch 1 (run under chrt -f 1).
            var model = (Sequential)ModelZoo.Create("fmnist-cnn", generator: new Generator(1));
            model.Eval();
            using var _ = Autograd.NoGrad();
            double t0 = 0;
            foreach (int batch in new[] { 256, 1 })
            {
                var x = Tensor.Randn(new Generator(2), batch, 1, 28, 28);
                int reps = batch == 256 ? 60 : 6000;
                var t = new double[model.Count];
                double whole = 0;
                for (int pass = 0; pass < 2; pass++)
                {
                    Array.Clear(t); whole = 0;
                    for (int r = 0; r < reps; r++)
                    {
                        var h = x;
                        long s0 = Stopwatch.GetTimestamp();
                        for (int i = 0; i < model.Count; i++)
                        {
                            long a = Stopwatch.GetTimestamp();
                            h = model[i].Call(h);
                            t[i] += Stopwatch.GetElapsedTime(a).TotalMilliseconds;
                        }
                        whole += Stopwatch.GetElapsedTime(s0).TotalMilliseconds;
                        long b0 = Stopwatch.GetTimestamp();
                        model.Call(x);
                        t0 += Stopwatch.GetElapsedTime(b0).TotalMilliseconds;
                    }
                }
                Console.WriteLine($"batch {batch}: layer-by-layer {whole / reps:F4} ms/forward, Sequential.Call {t0 / 2 / reps:F4} ms ({batch / (t0 / 2 / reps) * 1000:F0} img/s)");
                t0 = 0;
                // The fused inference plan, timed per segment (conv+relu+pool, conv+relu+pool, flatten+linear+relu+linear).
                var segs = new[] { new Sequential(model[0], model[1], model[2]), new Sequential(model[3], model[4], model[5]), new Sequential(model[6], model[7], model[8], model[9]) };
                var ts = new double[segs.Length];
                for (int pass = 0; pass < 2; pass++)
                {
                    Array.Clear(ts);
                    for (int r = 0; r < reps; r++)
                    {
                        var h = x;
                        for (int i = 0; i < segs.Length; i++)
                        {
                            long a = Stopwatch.GetTimestamp();
                            h = segs[i].Call(h);
                            ts[i] += Stopwatch.GetElapsedTime(a).TotalMilliseconds;
                        }
                    }
                }
                for (int i = 0; i < segs.Length; i++) Console.WriteLine($"  fused segment {i}: {ts[i] / reps:F4} ms");
                var calls = new double[reps];
                for (int r = 0; r < reps; r++) { long a = Stopwatch.GetTimestamp(); model.Call(x); calls[r] = Stopwatch.GetElapsedTime(a).TotalMilliseconds; }
                Array.Sort(calls);
                Console.WriteLine($"  per call: median {calls[reps / 2]:F4} ms, p10 {calls[reps / 10]:F4}, p90 {calls[reps * 9 / 10]:F4}");
                for (int i = 0; i < model.Count; i++) Console.WriteLine($"  {i} {model[i].TypeName,-10} {t[i] / reps:F4} ms  {100 * t[i] / whole:F1}%");
            }
        }
        else if (what == "gemv")
        {
            // Batch-1 fully-connected layer 3136 -> 128 alone, back to back (weight hot in cache), 1 and 2 threads.
            var r = new Random(1);
            var x = new float[3136]; var w = new float[128 * 3136]; var b = new float[128]; var y = new float[128];
            foreach (var a in new[] { x, w, b }) for (int i = 0; i < a.Length; i++) a[i] = (float)(r.NextDouble() * 2 - 1);
            int saved = Parallelism.MaxThreads;
            foreach (int t in new[] { 1, 2, 1, 2 })
            {
                Parallelism.MaxThreads = t;
                var ts = new double[2001];
                for (int i = 0; i < ts.Length; i++) { long t0 = Stopwatch.GetTimestamp(); Gemv.Run(x, w, b, y, 1, 128, 3136, GemmActivation.Relu); ts[i] = Stopwatch.GetElapsedTime(t0).TotalMicroseconds; }
                Array.Sort(ts);
                Console.WriteLine($"gemv 3136->128 threads {t}: median {ts[ts.Length / 2]:F2} us, p10 {ts[ts.Length / 10]:F2}");
            }
            Parallelism.MaxThreads = saved;
        }
        else if (what == "conv-loop")
        {
            // One pass (fwd, dx or dw) of a 3x3 pad-1 convolution in a loop for a few seconds, for perf record; default
            // shape b (32->64 14x14, batch 32): `conv-loop PASS SECONDS [CIN COUT SIZE]`.
            string pass = args.Length > 1 ? args[1] : "dw";
            double seconds = args.Length > 2 ? double.Parse(args[2]) : 3;
            int cin = args.Length > 5 ? int.Parse(args[3]) : 32, cout = args.Length > 5 ? int.Parse(args[4]) : 64, size = args.Length > 5 ? int.Parse(args[5]) : 14;
            var geo = new ConvGeometry(32, cin, cout, 1, [size, size], [size, size], [3, 3], [1, 1], [1, 1], [1, 1]);
            var r = new Random(1);
            var x = new float[geo.InputLength]; var w = new float[geo.WeightLength]; var y = new float[geo.OutputLength];
            var dx = new float[geo.InputLength]; var dw = new float[geo.WeightLength];
            foreach (var a in new[] { x, w, y }) for (int i = 0; i < a.Length; i++) a[i] = (float)(r.NextDouble() * 2 - 1);
            var sw = Stopwatch.StartNew();
            int calls = 0;
            for (; sw.Elapsed.TotalSeconds < seconds; calls++)
            {
                if (pass == "fwd") ConvKernel.Forward(x, w, default, y, geo);
                else if (pass == "dx") ConvKernel.BackwardInput(y, w, dx, geo);
                else ConvKernel.BackwardWeight(y, x, dw, geo);
            }
            Console.WriteLine($"{pass} {cin}->{cout} {size}x{size}: {sw.Elapsed.TotalMilliseconds / calls:F3} ms per call over {calls} calls");
        }
        else if (what == "b1-parts")
        {
            // fmnist-cnn's three batch-1 stages alone, on 1 and 2 threads (us per call): conv1+ReLU+pool,
            // conv2+ReLU+pool (ConvKernel.ForwardMaxPool2x2) and the 3136->128 layer (Gemv).
            var r = new Random(1);
            foreach (var (cin, cout, size) in new[] { (1, 32, 28), (32, 64, 14) })
            {
                var geo = new ConvGeometry(1, cin, cout, 1, [size, size], [size, size], [3, 3], [1, 1], [1, 1], [1, 1]);
                var x = new float[geo.InputLength]; var w = new float[geo.WeightLength]; var b = new float[cout];
                var pooled = new float[cout * (size / 2) * (size / 2)];
                foreach (var a in new[] { x, w }) for (int i = 0; i < a.Length; i++) a[i] = (float)(r.NextDouble() * 2 - 1);
                foreach (int t in new[] { 1, 2, 1, 2 })
                {
                    Parallelism.MaxThreads = t;
                    double ms = Ms(() => { for (int i = 0; i < 1000; i++) ConvKernel.ForwardMaxPool2x2(x, w, b, pooled, geo, GemmActivation.Relu); }) / 1000;
                    Console.WriteLine($"{cin}->{cout} {size}x{size} batch 1 conv+relu+pool, {t} threads: {ms * 1000:F2} us");
                    if (cin < 32) continue;
                    double wms = Ms(() => { for (int i = 0; i < 1000; i++) WinogradConv.ForwardMaxPool2x2(x, w, b, pooled, geo, GemmActivation.Relu); }) / 1000;
                    Console.WriteLine($"{cin}->{cout} {size}x{size} batch 1 Winograd conv+relu+pool, {t} threads: {wms * 1000:F2} us");
                }
            }
            var wl = new float[128 * 3136]; var xl = new float[3136]; var yl = new float[128];
            for (int i = 0; i < wl.Length; i++) wl[i] = (float)(r.NextDouble() * 2 - 1);
            foreach (int t in new[] { 1, 2, 1, 2 })
            {
                Parallelism.MaxThreads = t;
                double ms = Ms(() => { for (int i = 0; i < 1000; i++) Gemv.Run(xl, wl, default, yl, 1, 128, 3136, GemmActivation.Relu); }) / 1000;
                Console.WriteLine($"gemv 3136->128, {t} threads: {ms * 1000:F2} us");
            }
            foreach (int outF in new[] { 4, 8, 16, 32, 64, 128 })
            {
                Parallelism.MaxThreads = 1;
                double ms = Ms(() => { for (int i = 0; i < 1000; i++) Gemv.Run(xl, wl, default, yl, 1, outF, 3136, GemmActivation.Relu); }) / 1000;
                Console.WriteLine($"gemv 3136->{outF}, 1 thread: {ms * 1000:F2} us, {outF * 3136 * 4 / (ms * 1e6):F1} GB/s");
            }
        }
        else if (what == "infer-loop")
        {
            // fmnist-cnn forwards under NoGrad at batch args[1] (default 1) in a loop for args[2] seconds, for perf record;
            // args[3]: thread count.
            int batch = args.Length > 1 ? int.Parse(args[1]) : 1;
            double seconds = args.Length > 2 ? double.Parse(args[2]) : 3;
            var model = ModelZoo.Create("fmnist-cnn", generator: new Generator(1));
            model.Eval();
            using var _ = Autograd.NoGrad();
            var x = Tensor.Randn(new Generator(2), batch, 1, 28, 28);
            if (args.Length > 3) Parallelism.MaxThreads = int.Parse(args[3]);
            var sw = Stopwatch.StartNew();
            int calls = 0;
            for (; sw.Elapsed.TotalSeconds < seconds; calls++) model.Call(x);
            Console.WriteLine($"batch {batch}: {sw.Elapsed.TotalMilliseconds / calls:F4} ms per forward over {calls} calls");
        }
        else if (what == "onnx-loop")
        {
            // An imported ONNX model's batch-1 forward (3x224x224) under NoGrad in a loop for args[2] seconds, for perf record.
            var model = Fovea.Onnx.OnnxModel.Load(args[1]);
            model.Eval();
            double seconds = args.Length > 2 ? double.Parse(args[2]) : 5;
            using var _ = Autograd.NoGrad();
            var x = Tensor.Randn(new Generator(2), 1, 3, 224, 224);
            var sw = Stopwatch.StartNew();
            int calls = 0;
            for (; sw.Elapsed.TotalSeconds < seconds; calls++) model.Forward(x);
            Console.WriteLine($"{args[1]}: {sw.Elapsed.TotalMilliseconds / calls:F2} ms per forward over {calls} calls");
        }
        else if (what == "winograd-tiles")
        {
            // Winograd vs the other paths at small batches (few tiles: the per-call weight transform dominates), ms,
            // median of 5, forward and forward+backward; args[1] = batch sizes (default 1,2,4,8,16).
            var batches = args.Length > 1 ? args[1].Split(',').Select(int.Parse).ToArray() : [1, 2, 4, 8, 16];
            (int c, int size)[] shapes = [(512, 7), (256, 7), (256, 14), (128, 14), (128, 28), (64, 28), (64, 56), (32, 14)];
            var r = new Random(1);
            foreach (var (c, size) in shapes)
                foreach (int batch in batches)
                {
                    var geo = new ConvGeometry(batch, c, c, 1, [size, size], [size, size], [3, 3], [1, 1], [1, 1], [1, 1]);
                    var x = new float[geo.InputLength]; var w = new float[geo.WeightLength]; var y = new float[geo.OutputLength];
                    var dx = new float[geo.InputLength]; var dw = new float[geo.WeightLength];
                    foreach (var a in new[] { x, w, y }) for (int i = 0; i < a.Length; i++) a[i] = (float)(r.NextDouble() * 2 - 1);
                    var v = WinogradConv.Choose(geo);
                    int tiles = batch * (v == WinogradConv.Variant.F4x4 ? ((size + 3) / 4) * ((size + 3) / 4) : ((size + 1) / 2) * ((size + 1) / 2));
                    double[] t = new double[6];
                    for (int k = 0; k < 2; k++)
                    {
                        WinogradConv.Disabled = k == 1;
                        t[3 * k] = Ms(() => ConvKernel.Forward(x, w, default, y, geo));
                        t[3 * k + 1] = Ms(() => ConvKernel.BackwardInput(y, w, dx, geo));
                        t[3 * k + 2] = Ms(() => ConvKernel.BackwardWeight(y, x, dw, geo));
                    }
                    WinogradConv.Disabled = false;
                    Console.WriteLine($"{c}ch {size}x{size} batch {batch,2} ({v}, {tiles,4} tiles): fwd Winograd {t[0],7:F3} other {t[3],7:F3} | fwd+bwd Winograd {t[0] + t[1] + t[2],7:F3} other {t[3] + t[4] + t[5],7:F3} ms");
                }
        }
        else if (what == "transpose")
        {
            // Transpose8.Run on weight-like shapes (Cout x Cin*9 -> Cin*9 x Cout), 1 thread, median of 21, GB/s of reads + writes.
            foreach (var (rows, cols) in new[] { (512, 4608), (256, 2304), (64, 576), (128, 1152), (32, 288) })
            {
                var src = new float[rows * cols]; var dst = new float[rows * cols];
                var t = new double[21];
                fixed (float* ps = src, pd = dst)
                    for (int i = 0; i < t.Length + 3; i++)
                    {
                        long t0 = Stopwatch.GetTimestamp();
                        Transpose8.Run(ps, cols, pd, rows, rows, cols);
                        if (i >= 3) t[i - 3] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
                    }
                Array.Sort(t);
                double ms = t[t.Length / 2];
                Console.WriteLine($"transpose {rows}x{cols}: {ms:F3} ms, {2.0 * 4 * rows * cols / ms / 1e6:F1} GB/s");
            }
        }
        else if (what == "winograd-error")
        {
            // Error at the layer sizes (batch 2, values uniform in [-1, 1]) against a double-accumulating direct
            // convolution: max |error| / max |reference| of y, dx and dw, Winograd (as dispatched) and im2col+GEMM.
            (string name, int ci, int co, int size)[] cases = [("c", 64, 64, 56), ("d", 128, 128, 28), ("e", 256, 256, 14)];
            var r = new Random(2);
            foreach (var (name, ci, co, size) in cases)
            {
                const int batch = 2;
                var geo = new ConvGeometry(batch, ci, co, 1, [size, size], [size, size], [3, 3], [1, 1], [1, 1], [1, 1]);
                var x = new float[geo.InputLength]; var w = new float[geo.WeightLength]; var dy = new float[geo.OutputLength];
                foreach (var a in new[] { x, w, dy }) for (int i = 0; i < a.Length; i++) a[i] = (float)(r.NextDouble() * 2 - 1);
                var yr = new double[geo.OutputLength]; var dxr = new double[geo.InputLength]; var dwr = new double[geo.WeightLength];
                int hw = size * size;
                for (int s = 0; s < batch; s++)
                    for (int o = 0; o < co; o++)
                        for (int c = 0; c < ci; c++)
                            for (int ky = 0; ky < 3; ky++)
                                for (int kx = 0; kx < 3; kx++)
                                {
                                    double wv = w[(o * ci + c) * 9 + ky * 3 + kx], dwa = 0;
                                    for (int yy = 0; yy < size; yy++)
                                    {
                                        int iy = yy + ky - 1;
                                        if (iy < 0 || iy >= size) continue;
                                        for (int xx = 0; xx < size; xx++)
                                        {
                                            int ix = xx + kx - 1;
                                            if (ix < 0 || ix >= size) continue;
                                            long yi = ((long)s * co + o) * hw + yy * size + xx, xi = ((long)s * ci + c) * hw + iy * size + ix;
                                            yr[yi] += wv * x[xi];
                                            dxr[xi] += wv * dy[yi];
                                            dwa += (double)dy[yi] * x[xi];
                                        }
                                    }
                                    dwr[(o * ci + c) * 9 + ky * 3 + kx] += dwa;
                                }
                foreach (bool off in new[] { false, true })
                {
                    WinogradConv.Disabled = off;
                    var y = new float[geo.OutputLength]; var dx = new float[geo.InputLength]; var dw = new float[geo.WeightLength];
                    ConvKernel.Forward(x, w, default, y, geo);
                    ConvKernel.BackwardInput(dy, w, dx, geo);
                    ConvKernel.BackwardWeight(dy, x, dw, geo);
                    string path = off ? "im2col+GEMM" : $"Winograd {WinogradConv.Choose(geo)}";
                    Console.WriteLine($"{name} {ci}->{co} {size}x{size} {path,-16}: y {Rel(yr, y):E2}  dx {Rel(dxr, dx):E2}  dw {Rel(dwr, dw):E2}");
                }
                WinogradConv.Disabled = false;
            }

            static double Rel(double[] e, float[] a)
            {
                double err = 0, max = 0;
                for (int i = 0; i < e.Length; i++) { err = Math.Max(err, Math.Abs(a[i] - e[i])); max = Math.Max(max, Math.Abs(e[i])); }
                return err / max;
            }
        }
        else if (what == "align")
        {
            // Median GFLOP/s of an n³ product with the arrays' first float at byte offsets 0, 16, 32, 48 from a 64-byte
            // boundary, C tile prefetch never / always / by the default threshold, interleaved rounds.
            int rounds = 3;
            for (int round = 0; round < rounds; round++)
                foreach (int off in new[] { 12, 0, 8, 4, 0 })
                    foreach (long pf in new[] { long.MaxValue, 0, 1 << 20 })
                    {
                        Gemm.PrefetchCBytes = pf;
                        string label = pf == long.MaxValue ? "never" : pf == 0 ? "always" : "auto";
                        Console.WriteLine($"round {round} offset {off * 4,2} B prefetch-C {label}: {TimeAligned(n, threads, off):F1} GFLOP/s");
                    }
        }
        else if (what == "split")
        {
            // The 2-thread split of an n³ product by rows (each thread packs all of B) vs by columns (all of A),
            // GEMM arrays 16 bytes off a 64-byte boundary, median GFLOP/s, interleaved rounds.
            for (int round = 0; round < 3; round++)
                foreach (int f in new[] { 1, 2 })
                {
                    Gemm.ForceSplit = f;
                    Console.WriteLine($"round {round} split {(f == 1 ? "rows" : "cols")}: {TimeAligned(n, threads, 4):F1} GFLOP/s");
                }
            Gemm.ForceSplit = 0;
        }
        else if (what == "small")
        {
            // Where splitting starts to pay: 1 thread vs 2 threads forced, small squares (Gemm.ParallelMinFlops).
            foreach (int sz in new[] { 48, 64, 96, 128, 160, 200, 256 })
                Console.WriteLine($"n={sz,4} ({2.0 * sz * sz * sz / 1e6,5:F1} MFLOP): 1 thread {Time(Gemm.Selected, sz, sz, sz, 1),6:F1}, " +
                    $"2 threads forced {Time(Gemm.Selected, sz, sz, sz, 2, minFlops: 0),6:F1} GFLOP/s");
        }
        else if (what == "par")
        {
            // The cost of one 2-way Parallelism.For with (almost) empty chunks: the floor of a multi-threaded call.
            for (int round = 0; round < 3; round++)
            {
                const int reps = 2000;
                long t0 = Stopwatch.GetTimestamp();
                for (int r = 0; r < reps; r++) Parallelism.For(2, new Spin(2000));
                double us = Stopwatch.GetElapsedTime(t0).TotalMicroseconds / reps;
                long t1 = Stopwatch.GetTimestamp();
                for (int r = 0; r < reps; r++) { new Spin(2000).Run(0); new Spin(2000).Run(1); }
                double seq = Stopwatch.GetElapsedTime(t1).TotalMicroseconds / reps;
                Console.WriteLine($"Parallelism.For(2): {us:F1} us per call; the same two chunks in sequence: {seq:F1} us");
            }
        }
        else if (what == "tile")
        {
            // The micro-kernel alone on L1-resident panels: its ceiling.
            foreach (var kind in new[] { Gemm.KernelKind.V512, Gemm.KernelKind.V512x6x64, Gemm.KernelKind.V512x8x48 })
                Console.WriteLine($"{kind,-10} tile-only: {TileOnly(kind):F1} GFLOP/s");
        }
        else if (what == "blocks")
        {
            // args: blocks N threads mc,kc,nc mc,kc,nc ...
            // Three interleaved rounds, best per configuration, so a disturbance hits one round of one configuration.
            var kind = args.Length > 3 && args[3].StartsWith('V') ? Enum.Parse<Gemm.KernelKind>(args[3]) : Gemm.Hardware;
            var specs = args.Skip(3).Where(a => !a.StartsWith('V')).Select(s => s.Split(',').Select(int.Parse).ToArray()).ToArray();
            var best = new double[specs.Length];
            for (int round = 0; round < 3; round++)
                for (int i = 0; i < specs.Length; i++)
                {
                    (Gemm.Mc, Gemm.Kc, Gemm.Nc) = (specs[i][0], specs[i][1], specs[i][2]);
                    best[i] = Math.Max(best[i], Time(kind, n, n, n, threads));
                }
            for (int i = 0; i < specs.Length; i++)
                Console.WriteLine($"{kind} Mc={specs[i][0],4} Kc={specs[i][1],4} Nc={specs[i][2],5} n={n} t={threads}: {best[i]:F1} GFLOP/s");
        }
    }

    static double Time(Gemm.KernelKind kind, int m, int n, int k, int threads, bool ta = false, bool tb = false,
        double minFlops = Gemm.ParallelMinFlops)
    {
        var a = new float[m * k]; var b = new float[k * n]; var c = new float[m * n];
        var rng = new Random(1);
        for (int i = 0; i < a.Length; i++) a[i] = (float)rng.NextDouble();
        for (int i = 0; i < b.Length; i++) b[i] = (float)rng.NextDouble();
        var times = new List<double>();
        fixed (float* pa = a, pb = b, pc = c)
        {
            var args = new Gemm.Args(ta, tb, m, n, k, 1f, pa, ta ? m : k, pb, tb ? k : n, 0f, pc, n, null, null, GemmActivation.None);
            var sw = Stopwatch.StartNew();
            for (int w = 0; w < 3 || sw.Elapsed.TotalSeconds < 0.1; w++) Gemm.Execute(args, kind, threads, minFlops);
            for (int r = 0; r < (m * n * (long)k < 10_000_000 ? 101 : 9); r++)
            {
                long t0 = Stopwatch.GetTimestamp();
                Gemm.Execute(args, kind, threads, minFlops);
                times.Add(Stopwatch.GetElapsedTime(t0).TotalSeconds);
            }
        }
        // Best of 9: on a shared machine the fastest run is the one least disturbed by other processes.
        times.Sort();
        return 2.0 * m * n * k / times[0] / 1e9;
    }

    static double TimeAligned(int n, int threads, int offsetFloats)
    {
        long len = (long)n * n + 16;
        float* a = (float*)System.Runtime.InteropServices.NativeMemory.AlignedAlloc((nuint)(len * 4), 64);
        float* b = (float*)System.Runtime.InteropServices.NativeMemory.AlignedAlloc((nuint)(len * 4), 64);
        float* c = (float*)System.Runtime.InteropServices.NativeMemory.AlignedAlloc((nuint)(len * 4), 64);
        var rng = new Random(1);
        for (long i = 0; i < len; i++) { a[i] = (float)rng.NextDouble() - 0.5f; b[i] = (float)rng.NextDouble() - 0.5f; }
        var args = new Gemm.Args(false, false, n, n, n, 1f, a + offsetFloats, n, b + offsetFloats, n, 0f, c + offsetFloats, n, null, null, GemmActivation.None);
        for (int w = 0; w < 3; w++) Gemm.Execute(args, Gemm.Selected, threads);
        var times = new double[9];
        for (int r = 0; r < times.Length; r++)
        {
            long t0 = Stopwatch.GetTimestamp();
            Gemm.Execute(args, Gemm.Selected, threads);
            times[r] = Stopwatch.GetElapsedTime(t0).TotalSeconds;
        }
        System.Runtime.InteropServices.NativeMemory.AlignedFree(a);
        System.Runtime.InteropServices.NativeMemory.AlignedFree(b);
        System.Runtime.InteropServices.NativeMemory.AlignedFree(c);
        Array.Sort(times);
        return 2.0 * n * n * n / times[times.Length / 2] / 1e9;
    }

    static double TileOnly(Gemm.KernelKind kind)
    {
        const int kc = 256;
        float* a = (float*)System.Runtime.InteropServices.NativeMemory.AlignedAlloc(16 * kc * 4, 64);
        float* b = (float*)System.Runtime.InteropServices.NativeMemory.AlignedAlloc(64 * kc * 4, 64);
        float* c = (float*)System.Runtime.InteropServices.NativeMemory.AlignedAlloc(16 * 64 * 4, 64);
        for (int i = 0; i < 16 * kc; i++) a[i] = 0.001f * i;
        for (int i = 0; i < 64 * kc; i++) b[i] = 0.001f * i;
        (int mr, int nr, Action<int> call) = kind switch
        {
            Gemm.KernelKind.V512 => (14, 32, (Action<int>)(reps => { for (int r = 0; r < reps; r++) Gemm.K512x14x32.Tile(kc, a, b, 32, c, 64, 1f, 0f); })),
            Gemm.KernelKind.V512x6x64 => (6, 64, reps => { for (int r = 0; r < reps; r++) Gemm.K512x6x64.Tile(kc, a, b, 64, c, 64, 1f, 0f); }),
            _ => (8, 48, reps => { for (int r = 0; r < reps; r++) Gemm.K512x8x48.Tile(kc, a, b, 48, c, 64, 1f, 0f); }),
        };
        call(10000);
        double best = 0;
        for (int t = 0; t < 5; t++)
        {
            const int reps = 20000;
            long t0 = Stopwatch.GetTimestamp();
            call(reps);
            double s = Stopwatch.GetElapsedTime(t0).TotalSeconds;
            best = Math.Max(best, 2.0 * mr * nr * kc * reps / s / 1e9);
        }
        return best;
    }

    readonly struct Spin(int n) : Parallelism.IChunk
    {
        public void Run(int index)
        {
            double x = index;
            for (int i = 0; i < n; i++) x = x * 0.999 + 1;
            if (x == 42) Console.Write("");
        }
    }
}
