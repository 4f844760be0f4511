using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Fovea.Kernels;

namespace Fovea.Benchmarks;

/// <summary>
/// The three convolution kernels (forward, input gradient, weight gradient) on the seven layer shapes of the PyTorch
/// peer (<see cref="ConvBench.Cases"/>: batch 32, stride 1, padding k/2, no bias), at 1 thread and at 2. Forward is
/// the baseline, so the Ratio column is each backward pass's cost relative to the forward. Each pass does the forward's
/// multiply-adds, so GFLOP/s = 2·N·Cout·H·W·(Cin/groups)·k² / mean time for all three.
/// Run: <c>dotnet run -c Release --project bench/Fovea.Benchmarks -- --filter '*ConvBenchmarks*'</c>.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(GflopsConfig))]
public class ConvBenchmarks
{
    /// <summary>The peer's shape names ("a 1->32 3x3 28x28", ...).</summary>
    public static IEnumerable<string> Shapes => ConvBench.Cases.Select(c => c.Name);

    [ParamsSource(nameof(Shapes))]
    public string Shape = "";

    [Params(1, 2)]
    public int Threads;

    const int Batch = 32;
    float[] x = [], w = [], y = [], dy = [], dx = [], dw = [];
    ConvGeometry geo;

    [GlobalSetup]
    public void Setup()
    {
        geo = Geometry(Shape);
        var rng = new Random(7);
        x = Fill(rng, geo.InputLength); w = Fill(rng, geo.WeightLength); dy = Fill(rng, geo.OutputLength);
        y = new float[geo.OutputLength]; dx = new float[geo.InputLength]; dw = new float[geo.WeightLength];
        Parallelism.MaxThreads = Threads;
    }

    [GlobalCleanup]
    public void Cleanup() => Parallelism.MaxThreads = Environment.ProcessorCount;

    [Benchmark(Baseline = true)]
    public void Forward() => ConvKernel.Forward(x, w, ReadOnlySpan<float>.Empty, y, geo);

    [Benchmark]
    public void InputGrad() => ConvKernel.BackwardInput(dy, w, dx, geo);

    [Benchmark]
    public void WeightGrad() => ConvKernel.BackwardWeight(dy, x, dw, geo);

    /// <summary>The geometry of the named peer shape at batch 32.</summary>
    static ConvGeometry Geometry(string name)
    {
        var c = ConvBench.Cases.First(k => k.Name == name);
        int pad = c.Kernel / 2;
        int o = ConvGeometry.OutputSize(c.Size, c.Kernel, 1, pad, pad, 1);
        return new ConvGeometry(Batch, c.InChannels, c.OutChannels, c.Groups, [c.Size, c.Size], [o, o],
            [c.Kernel, c.Kernel], [1, 1], [pad, pad], [1, 1]);
    }

    static float[] Fill(Random rng, long length)
    {
        var a = new float[length];
        for (int i = 0; i < a.Length; i++) a[i] = (float)rng.NextDouble() - 0.5f;
        return a;
    }

    sealed class GflopsConfig : ManualConfig
    {
        public GflopsConfig() => AddColumn(new GflopsColumn());
    }

    /// <summary>2·(multiply-adds of the shape) divided by the mean time.</summary>
    sealed class GflopsColumn : IColumn
    {
        public string Id => "ConvGFLOPs";
        public string ColumnName => "GFLOP/s";
        public bool AlwaysShow => true;
        public ColumnCategory Category => ColumnCategory.Custom;
        public int PriorityInCategory => 0;
        public bool IsNumeric => true;
        public UnitType UnitType => UnitType.Dimensionless;
        public string Legend => "2*N*Cout*H*W*(Cin/groups)*k^2 / mean time, in 1e9 floating-point operations per second";
        public bool IsAvailable(Summary summary) => true;
        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            var report = summary[benchmarkCase];
            if (report?.ResultStatistics is null) return "-";
            var g = Geometry((string)benchmarkCase.Parameters["Shape"]);
            double seconds = report.ResultStatistics.Mean * 1e-9;
            return (2.0 * g.Macs / seconds / 1e9).ToString("F1");
        }
    }
}
