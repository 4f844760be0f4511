namespace Fovea.Onnx;

/// <summary>
/// The registration table: every ONNX operator Fovea imports (and, where a Fovea layer maps to it, exports), with
/// the first opset each handler implements. For a model at opset v the handler with the highest <c>since</c> not
/// above v is used; an operator with no such handler is reported at load time, by name and node.
/// </summary>
public static partial class OnnxOperators
{
    static readonly Dictionary<string, List<OnnxOperator>> s_table = new(StringComparer.Ordinal);

    static OnnxOperators()
    {
        // ---- convolution and pooling ----
        Register("Conv", since: 1, ConvImport, ConvExport, weights: [1, 2]);
        Register("ConvTranspose", since: 1, ConvTransposeImport, ConvTransposeExport, weights: [1, 2]);
        Register("MaxPool", since: 1, MaxPoolImport, MaxPoolExport);
        Register("AveragePool", since: 1, AveragePoolImport, AvgPoolExport);
        Register("LpPool", since: 1, LpPoolImport);
        Register("GlobalAveragePool", since: 1, GlobalAveragePoolImport, AdaptiveAvgPoolExport);
        Register("GlobalMaxPool", since: 1, GlobalMaxPoolImport, AdaptiveMaxPoolExport);
        Register("GlobalLpPool", since: 2, GlobalLpPoolImport);

        // ---- normalisation ----
        Register("BatchNormalization", since: 7, BatchNormalizationImport, BatchNormExport, check: BatchNormCheck, weights: [1, 2], buffers: [3, 4]);
        Register("InstanceNormalization", since: 1, InstanceNormalizationImport, weights: [1, 2]);
        Register("LayerNormalization", since: 17, LayerNormalizationImport, LayerNormExport, weights: [1, 2]);
        Register("LRN", since: 1, LrnImport, check: LrnCheck);

        // ---- linear algebra ----
        Register("Gemm", since: 1, GemmImport, LinearExport, weights: [1, 2]);
        Register("MatMul", since: 1, MatMulImport, weights: [1]);
        Register("Einsum", since: 12, EinsumImport);
        Register("Det", since: 11, DetImport);

        // ---- elementwise arithmetic (numpy broadcasting) ----
        Register("Add", since: 1, Binary(Ops.Add));
        Register("Sub", since: 1, Binary(Ops.Sub));
        Register("Mul", since: 1, Binary(Ops.Mul), SiluExport);
        Register("Div", since: 1, DivImport);
        Register("Pow", since: 1, Binary(Ops.Pow));
        Register("Sqrt", since: 1, Unary(Ops.Sqrt));
        Register("Exp", since: 1, Unary(Ops.Exp));
        Register("Log", since: 1, Unary(Ops.Log));
        Register("Neg", since: 1, Unary(Ops.Neg));
        Register("Abs", since: 1, Unary(Ops.Abs));
        Register("Reciprocal", since: 1, Unary(Ops.Reciprocal));
        Register("Erf", since: 9, Unary(Ops.Erf), GeluExport);
        Register("Floor", since: 1, Unary(Ops.Floor));
        Register("Ceil", since: 1, Unary(Ceil));
        Register("Sign", since: 9, Unary(Ops.Sign));
        Register("Sin", since: 7, Unary(Ops.Sin));
        Register("Cos", since: 7, Unary(Ops.Cos));
        Register("Tan", since: 7, Unary(Tan));
        Register("Asin", since: 7, Unary(Asin));
        Register("Acos", since: 7, Unary(Acos));
        Register("Atan", since: 7, Unary(Ops.Atan));
        Register("Sinh", since: 9, Unary(Sinh));
        Register("Cosh", since: 9, Unary(Cosh));
        Register("Asinh", since: 9, Unary(Asinh));
        Register("Acosh", since: 9, Unary(Acosh));
        Register("Atanh", since: 9, Unary(Atanh));
        Register("Sum", since: 1, Variadic(Ops.Add));
        Register("Mean", since: 1, Variadic(Ops.Add, mean: true));
        Register("Max", since: 1, Variadic(Ops.Maximum));
        Register("Min", since: 1, Variadic(Ops.Minimum));
        Register("Clip", since: 1, ClipImport, Relu6Export);
        Register("Round", since: 11, Unary(Ops.Round));
        Register("BitShift", since: 11, BitShiftImport);
        Register("QuantizeLinear", since: 10, QuantizeLinearImport);
        Register("DequantizeLinear", since: 10, DequantizeLinearImport);
        Register("DynamicQuantizeLinear", since: 11, DynamicQuantizeLinearImport);
        Register("ConvInteger", since: 10, ConvIntegerImport);
        Register("MatMulInteger", since: 10, MatMulIntegerImport);
        Register("QLinearMatMul", since: 10, QLinearMatMulImport);
        Register("QLinearConv", since: 10, QLinearConvImport);
        Register("Mod", since: 10, ModImport);
        Register("Shrink", since: 9, ShrinkImport);
        Register("IsInf", since: 10, IsInfImport);
        Register("IsNaN", since: 9, IsNaNImport);

        // ---- activations ----
        Register("Relu", since: 1, Unary(Ops.Relu), ActivationExport);
        Register("LeakyRelu", since: 1, LeakyReluImport, LeakyReluExport);
        Register("PRelu", since: 1, PReluImport, PReluExport, weights: [1]);
        Register("Elu", since: 1, EluImport, EluExport);
        Register("Selu", since: 1, SeluImport);
        Register("Celu", since: 12, CeluImport);
        Register("Sigmoid", since: 1, Unary(Ops.Sigmoid), SigmoidExport);
        Register("HardSigmoid", since: 1, HardSigmoidImport, HardSigmoidExport);
        Register("HardSwish", since: 14, Unary(Ops.Hardswish), HardSwishExport);
        Register("Tanh", since: 1, Unary(Ops.Tanh), TanhExport);
        Register("Softplus", since: 1, SoftplusImport);
        Register("Softsign", since: 1, SoftsignImport);
        Register("ThresholdedRelu", since: 10, ThresholdedReluImport);
        Register("Mish", since: 18, Unary(Ops.Mish));
        Register("Softmax", since: 1, SoftmaxLike(log: false, flatten: true));
        Register("Softmax", since: 13, SoftmaxLike(log: false, flatten: false), SoftmaxExport);
        Register("Hardmax", since: 1, HardmaxImport);
        Register("LogSoftmax", since: 1, SoftmaxLike(log: true, flatten: true));
        Register("LogSoftmax", since: 13, SoftmaxLike(log: true, flatten: false), LogSoftmaxExport);

        // ---- shapes and indexing ----
        Register("Flatten", since: 1, FlattenImport, FlattenExport);
        Register("Reshape", since: 1, ReshapeImport);
        Register("Transpose", since: 1, TransposeImport);
        Register("Squeeze", since: 1, SqueezeImport);
        Register("Unsqueeze", since: 1, UnsqueezeImport);
        Register("Concat", since: 1, ConcatImport);
        Register("Split", since: 2, SplitImport);
        Register("Slice", since: 1, SliceImport);
        Register("Gather", since: 1, GatherImport);
        Register("Pad", since: 2, PadImport);
        Register("Resize", since: 10, ResizeImport, UpsampleExport, check: ResizeCheck);
        Register("Upsample", since: 7, ResizeImport, check: ResizeCheck);
        Register("GridSample", since: 16, GridSampleImport, check: GridSampleCheck);
        Register("RoiAlign", since: 10, RoiAlignImport);
        Register("DepthToSpace", since: 1, DepthToSpaceImport);
        Register("SpaceToDepth", since: 1, SpaceToDepthImport);
        Register("Shape", since: 1, ShapeImport);
        Register("Size", since: 1, SizeImport);
        Register("Constant", since: 1, ConstantImport);
        Register("ConstantOfShape", since: 9, ConstantOfShapeImport);
        Register("Identity", since: 1, IdentityImport, IdentityExport);
        Register("Dropout", since: 1, DropoutImport, DropoutExport);
        Register("Cast", since: 6, CastImport, check: CastCheck);
        Register("CastLike", since: 15, CastLikeImport);
        Register("Expand", since: 8, ExpandImport);
        Register("Tile", since: 6, TileImport);
        Register("Where", since: 9, WhereImport);
        Register("GatherElements", since: 11, GatherElementsImport);
        Register("Range", since: 11, RangeImport);
        Register("CumSum", since: 11, CumSumImport);
        Register("OneHot", since: 9, OneHotImport);
        Register("Trilu", since: 14, TriluImport);
        Register("EyeLike", since: 9, EyeLikeImport);
        Register("TopK", since: 1, TopKImport);
        Register("GatherND", since: 11, GatherNDImport);
        Register("ScatterElements", since: 11, ScatterElementsImport);
        Register("Scatter", since: 9, ScatterElementsImport);
        Register("ScatterND", since: 11, ScatterNDImport);
        Register("Compress", since: 9, CompressImport);
        Register("Unique", since: 11, UniqueImport);
        Register("ReverseSequence", since: 10, ReverseSequenceImport);
        Register("MaxUnpool", since: 9, MaxUnpoolImport);
        Register("NonMaxSuppression", since: 10, NonMaxSuppressionImport);
        Register("HannWindow", since: 17, Window("Hann"));
        Register("HammingWindow", since: 17, Window("Hamming"));
        Register("BlackmanWindow", since: 17, Window("Blackman"));

        // ---- reductions ----
        foreach (var k in new[] { "Mean", "Sum", "Max", "Min", "L1", "L2", "SumSquare", "LogSum", "LogSumExp", "Prod" })
            Register("Reduce" + k, since: 1, Reduce(k));
        Register("ArgMax", since: 1, (n, xs, _) => ArgMaxLikeImport(n, xs, min: false));
        Register("ArgMin", since: 1, (n, xs, _) => ArgMaxLikeImport(n, xs, min: true));

        // ---- recurrent ----
        Register("RNN", since: 7, RnnImport, check: RecurrentCheck, weights: [1, 2, 3]);
        Register("GRU", since: 7, GruImport, check: RecurrentCheck, weights: [1, 2, 3]);
        Register("LSTM", since: 7, LstmImport, check: RecurrentCheck, weights: [1, 2, 3, 7]);

        // ---- losses ----
        Register("NegativeLogLikelihoodLoss", since: 12, NllImport);
        Register("SoftmaxCrossEntropyLoss", since: 12, SoftmaxCrossEntropyImport);

        // ---- comparisons and logic (results are 0/1 floats) ----
        Register("Equal", since: 1, Binary(Ops.Eq));
        Register("Greater", since: 1, Binary(Ops.Gt));
        Register("Less", since: 1, Binary(Ops.Lt));
        Register("GreaterOrEqual", since: 12, Binary(Ops.Ge));
        Register("LessOrEqual", since: 12, Binary(Ops.Le));
        Register("Not", since: 1, Unary(Not));
        Register("And", since: 1, Binary((a, b) => Ops.Mul(Ops.Ne(a, 0f), Ops.Ne(b, 0f))));
        Register("Or", since: 1, Binary((a, b) => Ops.Maximum(Ops.Ne(a, 0f), Ops.Ne(b, 0f))));
        Register("Xor", since: 1, Binary((a, b) => Ops.Ne(Ops.Ne(a, 0f), Ops.Ne(b, 0f))));
    }

    static void Register(string op, int since, OnnxImporter import, OnnxExporter? export = null, Action<OnnxNode>? check = null,
        int[]? weights = null, int[]? buffers = null)
    {
        if (!s_table.TryGetValue(op, out var list)) s_table[op] = list = [];
        list.Add(new OnnxOperator(op, since, import, export, check, weights ?? [], buffers ?? []));
        list.Sort((a, b) => a.Since.CompareTo(b.Since));
    }

    /// <summary>The handler for <paramref name="opType"/> at <paramref name="opset"/>, or null when Fovea has none.</summary>
    public static OnnxOperator? Find(string opType, int opset)
    {
        if (!s_table.TryGetValue(opType, out var list)) return null;
        OnnxOperator? best = null;
        foreach (var o in list) if (o.Since <= opset) best = o;
        return best;
    }

    /// <summary>Every registered operator name.</summary>
    public static IReadOnlyCollection<string> Names => s_table.Keys;

    /// <summary>Every registered exporter (module type to ONNX nodes).</summary>
    internal static IEnumerable<OnnxExporter> Exporters =>
        s_table.Values.SelectMany(l => l).Select(o => o.Export).Where(e => e is not null).Distinct()!;
}
