using System.Text;

namespace Fovea.Tests.OpTests;

/// <summary>
/// Reads tests/Fovea.Tests/Golden/conv.bin, written by tools/golden/conv_golden.py (the layout is described there):
/// PyTorch's outputs and gradients for Conv and ConvTranspose configurations.
/// </summary>
public sealed record ConvGolden(string Name, bool Transposed, int Spatial, int Groups, bool HasBias,
    int[] Stride, int[] PadBegin, int[] PadEnd, int[] Dilation, int[] OutputPadding,
    Tensor X, Tensor W, Tensor B, Tensor Dy, Tensor Y, Tensor Dx, Tensor Dw, Tensor Db)
{
    public override string ToString() => Name;

    public static List<ConvGolden> Load()
    {
        var path = Find("conv.bin");
        using var r = new BinaryReader(File.OpenRead(path));
        var header = new StringBuilder();
        for (char ch; (ch = (char)r.ReadByte()) != '\n';) header.Append(ch);
        if (!header.ToString().StartsWith("FOVEA-GOLDEN conv 1 tools/golden/conv_golden.py", StringComparison.Ordinal))
            throw new InvalidDataException($"{path}: unexpected header '{header}'.");
        int count = r.ReadInt32();
        var list = new List<ConvGolden>(count);
        for (int i = 0; i < count; i++)
        {
            string name = Encoding.UTF8.GetString(r.ReadBytes(r.ReadInt32()));
            int kind = r.ReadInt32(), n = r.ReadInt32(), groups = r.ReadInt32(), bias = r.ReadInt32();
            int[] Ints() { var a = new int[n]; for (int j = 0; j < n; j++) a[j] = r.ReadInt32(); return a; }
            var s = Ints(); var pb = Ints(); var pe = Ints(); var d = Ints(); var op = Ints();
            list.Add(new ConvGolden(name, kind == 1, n, groups, bias == 1, s, pb, pe, d, op,
                Read(r), Read(r), Read(r), Read(r), Read(r), Read(r), Read(r), Read(r)));
        }
        return list;
    }

    static Tensor Read(BinaryReader r)
    {
        var dims = new int[r.ReadInt32()];
        for (int i = 0; i < dims.Length; i++) dims[i] = r.ReadInt32();
        int numel = 1;
        foreach (int v in dims) numel *= v;
        var data = new float[numel];
        for (int i = 0; i < numel; i++) data[i] = r.ReadSingle();
        return Tensor.FromArray(data, dims);
    }

    // The golden folder, found by walking up from the test binaries to the project.
    static string Find(string file)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            var p = Path.Combine(dir.FullName, "Golden", file);
            if (File.Exists(p)) return p;
            p = Path.Combine(dir.FullName, "tests", "Fovea.Tests", "Golden", file);
            if (File.Exists(p)) return p;
        }
        throw new FileNotFoundException($"Golden file {file} not found above {AppContext.BaseDirectory}.");
    }
}
