using System.Globalization;
using System.Text;

namespace Fovea.NN;

/// <summary>Builds the table of <see cref="Module.Summary"/>.</summary>
internal static class ModuleSummary
{
    sealed record Row(string Name, string Type, Shape Output, long Params, long MultiplyAdds);

    public static string Build(Module model, int[] inputShape)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        if (inputShape.Length == 0) throw new ArgumentException("Summary: give the input shape including the batch axis, e.g. Summary(1, 3, 32, 32).");
        var rows = new List<Row>();
        var handles = new List<HookHandle>();
        bool training = model.IsTraining;
        foreach (var (name, m) in model.NamedModules())
        {
            if (m.HasChildren && !m.OwnParameters().Any()) continue;   // containers: their children have the rows
            long own = m.OwnParameters().Sum(p => (long)p.Value.Numel);
            string n = name.Length == 0 ? "(model)" : name;
            handles.Add(m.RegisterForwardHook((mod, x, y) => rows.Add(new Row(n, mod.TypeName, y.Shape, own, mod.MultiplyAdds(x, y)))));
        }
        Shape outShape;
        try
        {
            model.Eval();
            using (Autograd.NoGrad()) outShape = model.Call(Tensor.Zeros(inputShape)).Shape;
        }
        finally
        {
            foreach (var h in handles) h.Dispose();
            model.Train(training);
        }

        long total = 0, trainable = 0, buffers = 0;
        foreach (var p in model.Parameters())
        {
            total += p.Numel;
            if (p.RequiresGrad) trainable += p.Numel;
        }
        foreach (var b in model.Buffers()) buffers += b.Numel;
        long macs = rows.Sum(r => r.MultiplyAdds);

        int wName = Math.Max(12, rows.Count == 0 ? 0 : rows.Max(r => r.Name.Length)) + 2;
        int wType = Math.Max(6, rows.Count == 0 ? 0 : rows.Max(r => r.Type.Length)) + 2;
        int wShape = Math.Max(12, rows.Count == 0 ? 0 : rows.Max(r => r.Output.ToString().Length)) + 2;
        const int wNum = 14;
        int width = wName + wType + wShape + 2 * wNum;
        var sb = new StringBuilder();
        sb.AppendLine($"{model.TypeName} summary for input {new Shape(inputShape)}");
        sb.AppendLine(new string('=', width));
        sb.Append("Layer".PadRight(wName)).Append("Type".PadRight(wType)).Append("Output shape".PadRight(wShape))
          .Append("Params".PadLeft(wNum)).AppendLine("Mult-adds".PadLeft(wNum));
        sb.AppendLine(new string('=', width));
        foreach (var r in rows)
            sb.Append(r.Name.PadRight(wName)).Append(r.Type.PadRight(wType)).Append(r.Output.ToString().PadRight(wShape))
              .Append(N(r.Params).PadLeft(wNum)).AppendLine(N(r.MultiplyAdds).PadLeft(wNum));
        sb.AppendLine(new string('=', width));
        sb.AppendLine($"Total params: {N(total)}");
        sb.AppendLine($"Trainable params: {N(trainable)}");
        sb.AppendLine($"Frozen params: {N(total - trainable)}");
        sb.AppendLine($"Buffers (not learned): {N(buffers)}");
        sb.AppendLine($"Total mult-adds: {N(macs)} ({Human(macs)})");
        sb.AppendLine($"Output shape: {outShape}");
        sb.Append($"Parameter size: {Bytes(total * 4)} (float32)");
        return sb.ToString();
    }

    static string N(long v) => v.ToString("#,0", CultureInfo.InvariantCulture);

    static string Bytes(long b) => b switch
    {
        >= 1L << 30 => (b / (double)(1L << 30)).ToString("0.00", CultureInfo.InvariantCulture) + " GiB",
        >= 1L << 20 => (b / (double)(1L << 20)).ToString("0.00", CultureInfo.InvariantCulture) + " MiB",
        >= 1L << 10 => (b / 1024.0).ToString("0.00", CultureInfo.InvariantCulture) + " KiB",
        _ => b.ToString(CultureInfo.InvariantCulture) + " B",
    };

    static string Human(long v) => v switch
    {
        >= 1_000_000_000 => (v / 1e9).ToString("0.00", CultureInfo.InvariantCulture) + "G",
        >= 1_000_000 => (v / 1e6).ToString("0.00", CultureInfo.InvariantCulture) + "M",
        >= 1_000 => (v / 1e3).ToString("0.00", CultureInfo.InvariantCulture) + "K",
        _ => v.ToString(CultureInfo.InvariantCulture),
    };
}
