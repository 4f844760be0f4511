using System.Runtime.CompilerServices;
using System.Text.Json;
using Fovea.Tests.Reference;

namespace Fovea.Tests.OpTests;

/// <summary>
/// Forward values and input gradients of every op against PyTorch 1.13, read from Golden/ops.json (written by
/// tools/golden/ops_golden.py). Each case applies the same "prep" view (transpose / expand) to its stored inputs,
/// runs the op, and backpropagates sum(out · w) with the case's w.
/// </summary>
public class GoldenOpsTests
{
    static int I(JsonElement a, string k) => a.GetProperty(k).GetInt32();
    static float F(JsonElement a, string k) => a.GetProperty(k).GetSingle();
    static bool B(JsonElement a, string k) => a.GetProperty(k).GetBoolean();
    static float? OptF(JsonElement a, string k) => a.TryGetProperty(k, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetSingle() : null;
    static int[] Ints(JsonElement a, string k) => a.GetProperty(k).EnumerateArray().Select(e => e.GetInt32()).ToArray();

    static readonly Dictionary<string, Func<Tensor[], JsonElement, Tensor>> Ops = new()
    {
        ["exp"] = (x, a) => x[0].Exp(), ["log"] = (x, a) => x[0].Log(), ["sqrt"] = (x, a) => x[0].Sqrt(),
        ["abs"] = (x, a) => x[0].Abs(), ["sigmoid"] = (x, a) => x[0].Sigmoid(), ["tanh"] = (x, a) => x[0].Tanh(),
        ["square"] = (x, a) => x[0].Square(), ["pow_s"] = (x, a) => x[0].Pow(F(a, "p")), ["pow_t"] = (x, a) => x[0].Pow(x[1]),
        ["clamp"] = (x, a) => x[0].Clamp(OptF(a, "min"), OptF(a, "max")),
        ["erf"] = (x, a) => x[0].Erf(), ["reciprocal"] = (x, a) => x[0].Reciprocal(),
        ["sign"] = (x, a) => x[0].Sign(), ["floor"] = (x, a) => x[0].Floor(), ["round"] = (x, a) => x[0].Round(),
        ["relu6"] = (x, a) => x[0].Relu6(), ["hardtanh"] = (x, a) => x[0].Hardtanh(F(a, "min"), F(a, "max")),
        ["leaky_relu"] = (x, a) => x[0].LeakyRelu(F(a, "slope")), ["elu"] = (x, a) => x[0].Elu(F(a, "alpha")),
        ["selu"] = (x, a) => x[0].Selu(), ["gelu"] = (x, a) => x[0].Gelu(a.GetProperty("approximate").GetString()!),
        ["silu"] = (x, a) => x[0].Silu(), ["hardswish"] = (x, a) => x[0].Hardswish(), ["hardsigmoid"] = (x, a) => x[0].Hardsigmoid(),
        ["softplus"] = (x, a) => x[0].Softplus(F(a, "beta"), F(a, "threshold")), ["mish"] = (x, a) => x[0].Mish(),
        ["prelu"] = (x, a) => x[0].Prelu(x[1]),
        ["softmax"] = (x, a) => x[0].Softmax(I(a, "axis")), ["log_softmax"] = (x, a) => x[0].LogSoftmax(I(a, "axis")),
        ["squeeze"] = (x, a) => a.TryGetProperty("axis", out var ax) ? x[0].Squeeze(ax.GetInt32()) : x[0].Squeeze(),
        ["unsqueeze"] = (x, a) => x[0].Unsqueeze(I(a, "axis")),
        ["narrow"] = (x, a) => x[0].Narrow(I(a, "axis"), I(a, "start"), I(a, "length")),
        ["slice"] = (x, a) => x[0].Slice(I(a, "axis"), I(a, "start"), I(a, "end"), I(a, "step")),
        ["cat"] = (x, a) => Tensor.Cat(x, I(a, "axis")), ["stack"] = (x, a) => Tensor.Stack(x, I(a, "axis")),
        ["split"] = (x, a) => Tensor.Cat((a.GetProperty("size").ValueKind == JsonValueKind.Array
            ? x[0].Split(Ints(a, "size"), I(a, "axis")) : x[0].Split(I(a, "size"), I(a, "axis"))).Select(p => p.Reshape(-1)).ToArray(), 0),
        ["max_all"] = (x, a) => x[0].Max(), ["min_all"] = (x, a) => x[0].Min(),
        ["max"] = (x, a) => x[0].Max(I(a, "axis"), B(a, "keepDim")), ["min"] = (x, a) => x[0].Min(I(a, "axis"), B(a, "keepDim")),
        ["argmax"] = (x, a) => x[0].ArgMax(I(a, "axis"), B(a, "keepDim")), ["argmin"] = (x, a) => x[0].ArgMin(I(a, "axis"), B(a, "keepDim")),
        ["argmax_all"] = (x, a) => x[0].ArgMax(),
        ["var"] = (x, a) => x[0].Var(Ints(a, "axes"), B(a, "keepDim"), I(a, "correction")),
        ["std"] = (x, a) => x[0].Std(Ints(a, "axes"), B(a, "keepDim"), I(a, "correction")),
        ["gather"] = (x, a) => x[0].Gather(I(a, "axis"), x[1]), ["index_select"] = (x, a) => x[0].IndexSelect(I(a, "axis"), x[1]),
        ["one_hot"] = (x, a) => x[0].OneHot(I(a, "n")),
        ["eq"] = (x, a) => x[0].Eq(x[1]), ["ne"] = (x, a) => x[0].Ne(x[1]), ["gt"] = (x, a) => x[0].Gt(x[1]),
        ["ge"] = (x, a) => x[0].Ge(x[1]), ["lt"] = (x, a) => x[0].Lt(x[1]), ["le"] = (x, a) => x[0].Le(x[1]),
        ["eq_s"] = (x, a) => x[0].Eq(F(a, "s")), ["gt_s"] = (x, a) => x[0].Gt(F(a, "s")), ["le_s"] = (x, a) => x[0].Le(F(a, "s")),
        ["where"] = (x, a) => Fovea.Ops.Where(x[0], x[1], x[2]),
        ["maximum"] = (x, a) => x[0].Maximum(x[1]), ["minimum"] = (x, a) => x[0].Minimum(x[1]),
        ["pad"] = (x, a) => x[0].Pad(Ints(a, "pads"), a.GetProperty("mode").GetString()!, OptF(a, "value") ?? 0f),
        ["cumsum"] = (x, a) => x[0].CumSum(I(a, "axis")),
        ["repeat"] = (x, a) => x[0].Repeat(Ints(a, "repeats")), ["tile"] = (x, a) => x[0].Tile(Ints(a, "repeats")),
        ["flip"] = (x, a) => x[0].Flip(Ints(a, "axes")),
    };

    static string GoldenPath([CallerFilePath] string here = "") => Path.Combine(Path.GetDirectoryName(here)!, "..", "Golden", "ops.json");

    static readonly Lazy<JsonDocument> Doc = new(() => JsonDocument.Parse(File.ReadAllText(GoldenPath())));

    public static IEnumerable<object[]> Cases() =>
        Doc.Value.RootElement.GetProperty("cases").EnumerateArray().Select((c, i) => new object[] { i, c.GetProperty("name").GetString()! });

    static Tensor Read(JsonElement t)
    {
        var data = t.GetProperty("data").EnumerateArray().Select(v => v.GetSingle()).ToArray();
        var shape = t.GetProperty("shape").EnumerateArray().Select(v => v.GetInt32()).ToArray();
        return shape.Length == 0 ? Tensor.Scalar(data[0]) : Tensor.FromArray(data, shape);
    }

    static Tensor Prep(Tensor t, string? p)
    {
        if (p is null) return t;
        if (p == "T") return t.Transpose(-1, -2);
        if (p.StartsWith("E:")) return t.Expand(JsonSerializer.Deserialize<int[]>(p[2..])!);
        throw new ArgumentException(p);
    }

    [Fact]
    public void GoldenFileSaysWhichScriptMadeIt()
    {
        Assert.Equal("tools/golden/ops_golden.py", Doc.Value.RootElement.GetProperty("generator").GetString());
        Assert.True(new FileInfo(GoldenPath()).Length < 1_000_000);
        var missing = Doc.Value.RootElement.GetProperty("cases").EnumerateArray().Select(c => c.GetProperty("op").GetString()!).Where(o => !Ops.ContainsKey(o)).Distinct().ToArray();
        Assert.Empty(missing);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesPyTorch(int index, string name)
    {
        var c = Doc.Value.RootElement.GetProperty("cases")[index];
        Assert.Equal(name, c.GetProperty("name").GetString());
        var inputs = c.GetProperty("inputs").EnumerateArray().ToArray();
        var leaves = inputs.Select(i => { var t = Read(i); return i.GetProperty("grad").GetBoolean() ? t.RequiresGrad_() : t; }).ToArray();
        var xs = leaves.Select((t, k) => Prep(t, inputs[k].GetProperty("prep").ValueKind == JsonValueKind.String ? inputs[k].GetProperty("prep").GetString() : null)).ToArray();
        var y = Ops[c.GetProperty("op").GetString()!](xs, c.GetProperty("args"));
        var expected = Read(c.GetProperty("out"));
        Assert.True(expected.Shape == y.Shape, $"{name}: shape {y.Shape}, PyTorch {expected.Shape}");
        TensorAssert.Close(expected.ToArray(), y.ToArray(), 1e-6f, 1e-4f, $"{name} forward {y.Shape}");

        var grads = c.GetProperty("grads").EnumerateArray().ToArray();
        if (!y.RequiresGrad) return;
        var w = Read(c.GetProperty("w"));
        (y * w).Sum().Backward();
        for (int k = 0; k < leaves.Length; k++)
        {
            if (grads[k].ValueKind == JsonValueKind.Null) continue;
            var ge = Read(grads[k]);
            var gotT = leaves[k].Grad ?? Tensor.ZerosLike(leaves[k]);
            Assert.True(ge.Shape == gotT.Shape, $"{name}: grad {k} shape {gotT.Shape}, PyTorch {ge.Shape}");
            TensorAssert.Close(ge.ToArray(), gotT.ToArray(), 1e-5f, 1e-4f, $"{name} grad of input {k} {ge.Shape}");
        }
    }
}
