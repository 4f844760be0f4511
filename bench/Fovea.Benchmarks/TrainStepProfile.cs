using System.Diagnostics;
using System.Runtime.InteropServices;
using Fovea.NN;
using Fovea.Optim;
using Fovea.Vision.Models;

namespace Fovea.Benchmarks;

/// <summary>
/// <c>-- profile [model] [steps]</c>: runs training steps of a zoo model on random 28x28 batches of 128 and prints,
/// per layer (forward, Sequential models only) and per op (backward), the process CPU time and the bytes allocated.
/// CPU time (getrusage) rather than wall time, because the machine is shared.
/// </summary>
public static class TrainStepProfile
{
    [StructLayout(LayoutKind.Sequential)]
    struct RUsage { public long UtimeS, UtimeUs, StimeS, StimeUs; public long M0, M1, M2, M3, M4, M5, M6, M7, M8, M9, M10, M11, M12, M13; }

    [DllImport("libc", SetLastError = true)]
    static extern int getrusage(int who, out RUsage usage);

    /// <summary>Process CPU time (user + system, all threads) in microseconds.</summary>
    public static long CpuMicros()
    {
        getrusage(0, out var u);
        return (u.UtimeS + u.StimeS) * 1_000_000 + u.UtimeUs + u.StimeUs;
    }

    sealed class Row { public long Cpu, Bytes, Count; }

    public static void Run(string[] args)
    {
        string name = args.Length > 0 ? args[0] : "fmnist-cnn";
        int steps = args.Length > 1 ? int.Parse(args[1]) : 100;
        int batch = 128;
        var g = new Generator(0);
        var model = ModelZoo.Create(name, 1, 10, 28, g);
        var opt = new Adam(model.Parameters(), 1e-3f);
        var lossFn = new CrossEntropyLoss();
        var x = Tensor.Rand(g, batch, 1, 28, 28);
        var t = Tensor.RandInt(g, 0, 10, batch);
        var rows = new Dictionary<string, Row>();
        var order = new List<string>();
        Row Get(string k) { if (!rows.TryGetValue(k, out var r)) { rows[k] = r = new Row(); order.Add(k); } return r; }
        bool on = false;
        long c0 = 0, b0 = 0;
        void Start() { c0 = CpuMicros(); b0 = GC.GetTotalAllocatedBytes(); }
        void Stop(string k) { if (!on) return; var r = Get(k); r.Cpu += CpuMicros() - c0; r.Bytes += GC.GetTotalAllocatedBytes() - b0; r.Count++; }
        Autograd.BackwardProbe = (op, begin) => { if (begin) Start(); else Stop("bwd " + op); };
        model.Train();
        long totalCpu = 0, totalBytes = 0; int gen0 = 0, gen2 = 0; TimeSpan pause0 = default;
        var wall = new Stopwatch();
        for (int s = 0; s < steps + 10; s++)
        {
            if (s == 10) { on = true; totalCpu = CpuMicros(); totalBytes = GC.GetTotalAllocatedBytes(); gen0 = GC.CollectionCount(0); gen2 = GC.CollectionCount(2); pause0 = GC.GetTotalPauseDuration(); wall.Start(); }
            Start(); opt.ZeroGrad(); Stop("zero_grad");
            Tensor h = x;
            if (model is Sequential seq)
            {
                int i = 0;
                foreach (var m in seq) { Start(); h = m.Call(h); Stop($"fwd {i++} {m.GetType().Name}"); }
            }
            else { Start(); h = model.Call(h); Stop("fwd model"); }
            Start(); var l = lossFn.Forward(h, t); Stop("fwd loss");
            var bStart = CpuMicros(); var bBytes = GC.GetTotalAllocatedBytes();
            l.Backward();
            if (on) { var r = Get("backward (total)"); r.Cpu += CpuMicros() - bStart; r.Bytes += GC.GetTotalAllocatedBytes() - bBytes; r.Count++; }
            Start(); opt.Step(); Stop("adam step");
        }
        wall.Stop();
        totalCpu = CpuMicros() - totalCpu; totalBytes = GC.GetTotalAllocatedBytes() - totalBytes;
        Autograd.BackwardProbe = null;
        Console.WriteLine($"{name}: {steps} steps of batch {batch}; CPU {totalCpu / 1000.0 / steps:F2} ms/step, wall {wall.Elapsed.TotalMilliseconds / steps:F2} ms/step, "
            + $"{totalBytes / steps / 1024.0:F0} KiB/step, gen0 GCs {GC.CollectionCount(0) - gen0}, gen2 {GC.CollectionCount(2) - gen2}, GC pause {(GC.GetTotalPauseDuration() - pause0).TotalMilliseconds / steps:F2} ms/step, load {File.ReadAllText("/proc/loadavg").Trim()}");
        var info = GC.GetGCMemoryInfo();
        Console.WriteLine($"managed heap {GC.GetTotalMemory(false) / 1048576.0:F0} MB, committed {info.TotalCommittedBytes / 1048576.0:F0} MB, "
            + $"peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0:F0} MB, pooled gradient buffers {GradPool.PooledBytes / 1048576.0:F0} MB");
        Console.WriteLine($"{"part",-28} {"CPU ms/step",12} {"%",6} {"KiB/step",10}");
        foreach (var k in order)
        {
            var r = rows[k];
            Console.WriteLine($"{k,-28} {r.Cpu / 1000.0 / steps,12:F3} {100.0 * r.Cpu / totalCpu,6:F1} {r.Bytes / steps / 1024.0,10:F0}");
        }
    }
}
