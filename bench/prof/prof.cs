#:project ../../src/Fovea/Fovea.csproj
#:property Optimize=true
#:property Configuration=Release
using System.Diagnostics;
using Fovea;
using Fovea.NN;
using Fovea.Vision.Models;

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

