using System.Text;
using Fovea.NN;
using Fovea.Onnx.Proto;

namespace Fovea.Onnx;

/// <summary>
/// An imported ONNX graph as a trainable <see cref="Module"/>. Initializers that feed weight-like inputs (Conv and
/// Gemm weights and biases, normalisation scales, PRelu slopes, the bias added after a MatMul) are parameters named
/// after the initializer ('.'-separated parts become nested scopes, other characters outside [A-Za-z0-9_] become
/// '_'); BatchNormalization statistics are buffers; other initializers are constants. Execution runs Fovea ops node
/// by node, so gradients flow to the parameters, <see cref="Module.Freeze"/>, state dicts and optimizers work, and
/// the batch dimension may vary. A loaded model starts in evaluation mode; call <c>Train()</c> to fine-tune.
/// </summary>
public sealed class OnnxModule : Module
{
    readonly List<(OnnxNode Node, OnnxOperator Op)> _nodes = [];
    readonly Dictionary<string, Tensor> _constants = new(StringComparer.Ordinal);
    readonly Dictionary<string, (Module Owner, string Local, bool Buffer)> _slots = new(StringComparer.Ordinal);
    readonly Dictionary<string, Tensor> _placed = new(StringComparer.Ordinal);   // initializer name -> its parameter or buffer
    readonly Dictionary<string, int> _lastUse = new(StringComparer.Ordinal);
    readonly string _name;

    internal OnnxModule(ModelProto model, string? baseDir, string name)
    {
        _name = name;
        Proto = model;
        var g = model.Graph;
        Opset = DefaultOpset(model, name);
        IrVersion = model.IrVersion;
        Producer = (model.ProducerName + " " + model.ProducerVersion).Trim();

        // Initializers: read and size-checked now.
        var init = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var t in g.Initializer)
        {
            if (string.IsNullOrEmpty(t.Name)) throw new FoveaFormatException($"{name}: an initializer has no name.");
            if (init.ContainsKey(t.Name)) throw new FoveaFormatException($"{name}: initializer '{t.Name}' appears twice.");
            init[t.Name] = OnnxTensors.ToTensor(t, baseDir, $"{name}: initializer '{t.Name}'");
        }
        foreach (var v in g.Input.Concat(g.Output))
            if (v.Type is not null && v.Type.TensorType is null)
                throw new OnnxUnsupportedException($"{name}: value '{v.Name}' is not a tensor (sequences, maps and optionals are not supported).");
        var inputs = new List<OnnxValueInfo>();
        foreach (var v in g.Input) if (!init.ContainsKey(v.Name)) inputs.Add(Info(v));
        Inputs = inputs;
        Outputs = g.Output.Select(Info).ToList();
        foreach (var i in inputs) if (string.IsNullOrEmpty(i.Name)) throw new FoveaFormatException($"{name}: a graph input has no name.");

        // Operators: every node must have a handler at this opset, and pass its load-time check.
        var nodes = new List<(OnnxNode Node, OnnxOperator Op)>();
        var problems = new List<string>();
        for (int i = 0; i < g.Node.Count; i++)
        {
            var n = new OnnxNode(g.Node[i], i, Opset, baseDir);
            if (n.Domain is not ("" or "ai.onnx"))
            {
                problems.Add($"{n.OpType} (node '{n.Name}', domain '{n.Domain}')");
                continue;
            }
            var op = OnnxOperators.Find(n.OpType, Opset);
            if (op is null)
            {
                problems.Add($"{n.OpType} (node '{n.Name}')");
                continue;
            }
            try { op.Check?.Invoke(n); }
            catch (OnnxUnsupportedException e) { problems.Add(e.Message); continue; }
            nodes.Add((n, op));
        }
        if (problems.Count > 0)
            throw new OnnxUnsupportedException($"{name}: unsupported at opset {Opset}: {string.Join("; ", problems)}.");

        // Constant nodes are evaluated now.
        foreach (var v in init) _constants[v.Key] = v.Value;
        var rest = new List<(OnnxNode Node, OnnxOperator Op)>();
        foreach (var e in nodes)
        {
            if (e.Node.OpType == "Constant")
            {
                if (e.Node.Outputs.Length != 1) throw e.Node.Error("must have one output");
                _constants[e.Node.Outputs[0]] = OnnxOperators.ConstantValue(e.Node);
            }
            else rest.Add(e);
        }
        foreach (var i in inputs) if (_constants.ContainsKey(i.Name)) throw new FoveaFormatException($"{name}: graph input '{i.Name}' is also a constant.");
        _nodes = TopoSort(rest, inputs.Select(i => i.Name).Concat(_constants.Keys).ToHashSet(StringComparer.Ordinal), name);
        var available = new HashSet<string>(inputs.Select(i => i.Name).Concat(_constants.Keys), StringComparer.Ordinal);
        foreach (var (n, _) in _nodes) foreach (var o in n.Outputs) if (o.Length > 0) available.Add(o);
        foreach (var o in Outputs)
            if (!available.Contains(o.Name)) throw new FoveaFormatException($"{name}: graph output '{o.Name}' is not produced by any node, initializer or input.");

        // Weights, buffers, constants.
        var producer = new Dictionary<string, OnnxNode>(StringComparer.Ordinal);
        foreach (var (n, _) in _nodes) foreach (var o in n.Outputs) producer[o] = n;
        var roles = new Dictionary<string, bool>(StringComparer.Ordinal);   // name -> isBuffer
        foreach (var (n, op) in _nodes)
        {
            foreach (var i in op.Weights) if (i < n.Inputs.Length && init.ContainsKey(n.Inputs[i])) roles[n.Inputs[i]] = false;
            foreach (var i in op.Buffers) if (i < n.Inputs.Length && init.ContainsKey(n.Inputs[i])) roles.TryAdd(n.Inputs[i], true);
            if (n.OpType == "Add" && n.Inputs.Length == 2)
                for (int k = 0; k < 2; k++)
                    if (init.ContainsKey(n.Inputs[k]) && producer.TryGetValue(n.Inputs[1 - k], out var p) && p.OpType == "MatMul")
                        roles[n.Inputs[k]] = false;
        }
        foreach (var t in g.Initializer)
        {
            if (!roles.TryGetValue(t.Name, out bool buffer)) continue;
            _constants.Remove(t.Name);
            Place(t.Name, init[t.Name], buffer);
        }
        for (int i = 0; i < _nodes.Count; i++)
            foreach (var s in _nodes[i].Node.Inputs) if (s.Length > 0) _lastUse[s] = i;
        AssignTypes(g);
        Eval();
    }

    // Declared element types, for the few importers that need them (CastLike).
    void AssignTypes(GraphProto g)
    {
        var types = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var v in g.Input.Concat(g.ValueInfo).Concat(g.Output))
            if (v.Type?.TensorType is { } tt) types[v.Name] = tt.ElemType;
        foreach (var t in g.Initializer) types[t.Name] = t.DataType;
        foreach (var n in g.Node)
            if (n.OpType == "Constant" && n.Output.Count == 1)
                foreach (var a in n.Attribute)
                    types[n.Output[0]] = a.Name switch { "value" => a.T?.DataType ?? 1, "value_int" or "value_ints" => 7, _ => 1 };
        foreach (var (n, _) in _nodes)
        {
            if (n.OpType == "Cast" && n.Outputs.Length == 1) types[n.Outputs[0]] = n.Int32("to", 1);
            if (n.OpType == "CastLike" && n.Outputs.Length == 1 && n.Inputs.Length > 1 && types.TryGetValue(n.Inputs[1], out var lt)) types[n.Outputs[0]] = lt;
            n.InputTypes = n.Inputs.Select(i => types.TryGetValue(i, out var t) ? t : 0).ToArray();
        }
    }

    static int DefaultOpset(ModelProto m, string name)
    {
        long v = -1;
        foreach (var o in m.OpsetImport) if (o.Domain is "" or "ai.onnx") v = o.Version;
        if (v < 0)
        {
            if (m.OpsetImport.Count == 0 && m.IrVersion < 3 && m.IrVersion > 0) v = 1;
            else if (m.OpsetImport.Count > 0) throw new OnnxUnsupportedException($"{name}: the model imports only operator sets of other domains ({string.Join(", ", m.OpsetImport.Select(o => o.Domain))}).");
            else throw new FoveaFormatException($"{name}: no opset for the default ONNX domain.");
        }
        if (v < OnnxModel.MinOpset || v > OnnxModel.MaxOpset)
            throw new OnnxUnsupportedException($"{name}: opset {v} is not supported (Fovea reads opsets {OnnxModel.MinOpset} to {OnnxModel.MaxOpset}).");
        return (int)v;
    }

    static OnnxValueInfo Info(ValueInfoProto v)
    {
        var tt = v.Type?.TensorType;
        string et = tt is null ? (v.Type is null ? "?" : "non-tensor") : OnnxTensors.TypeName(tt.ElemType);
        var dims = tt?.Shape?.Dim.Select(d => d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue ? d.DimValue.ToString()
            : d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimParam ? d.DimParam : "?").ToArray() ?? [];
        return new OnnxValueInfo(v.Name, et, dims);
    }

    // Kahn's algorithm; reports a missing input by node and name, or the nodes on a cycle.
    static List<(OnnxNode, OnnxOperator)> TopoSort(List<(OnnxNode Node, OnnxOperator Op)> nodes, HashSet<string> given, string name)
    {
        var producer = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < nodes.Count; i++)
            foreach (var o in nodes[i].Node.Outputs)
            {
                if (o.Length == 0) continue;
                if (given.Contains(o)) throw new FoveaFormatException($"{name}: {nodes[i].Node} writes '{o}', which is already a graph input or initializer.");
                if (!producer.TryAdd(o, i)) throw new FoveaFormatException($"{name}: value '{o}' is produced twice ({nodes[producer[o]].Node} and {nodes[i].Node}).");
            }
        var indeg = new int[nodes.Count];
        var users = new List<int>[nodes.Count];
        for (int i = 0; i < nodes.Count; i++) users[i] = [];
        for (int i = 0; i < nodes.Count; i++)
            foreach (var s in nodes[i].Node.Inputs.Distinct())
            {
                if (s.Length == 0 || given.Contains(s)) continue;
                if (!producer.TryGetValue(s, out int p))
                    throw new FoveaFormatException($"{name}: {nodes[i].Node} reads '{s}', which no node, initializer or graph input provides.");
                indeg[i]++;
                users[p].Add(i);
            }
        var ready = new Queue<int>();
        for (int i = 0; i < nodes.Count; i++) if (indeg[i] == 0) ready.Enqueue(i);
        var order = new List<(OnnxNode, OnnxOperator)>(nodes.Count);
        while (ready.Count > 0)
        {
            int i = ready.Dequeue();
            order.Add(nodes[i]);
            foreach (var u in users[i]) if (--indeg[u] == 0) ready.Enqueue(u);
        }
        if (order.Count != nodes.Count)
        {
            var stuck = Enumerable.Range(0, nodes.Count).Where(i => indeg[i] > 0).Select(i => nodes[i].Node.ToString()).Take(8);
            throw new FoveaFormatException($"{name}: the graph has a cycle through {string.Join(", ", stuck)}.");
        }
        return order;
    }

    // Registers an initializer as a parameter or buffer under its (sanitised) dotted name.
    void Place(string onnxName, Tensor t, bool buffer)
    {
        var parts = onnxName.Split('.').Select(Sanitize).ToArray();
        try
        {
            Module owner = this;
            for (int i = 0; i < parts.Length - 1; i++) owner = owner == this ? RootChild(parts[i]) : ((OnnxScope)owner).Child(parts[i]);
            Set(owner, parts[^1], t, buffer, onnxName);
        }
        catch (ArgumentException)
        {
            string flat = string.Join("_", parts);
            string unique = flat;
            for (int k = 1; StateDict().ContainsKey(unique) || NamedChildren().Any(c => c.Name == unique); k++) unique = $"{flat}_{k}";
            Set(this, unique, t, buffer, onnxName);
        }
    }

    OnnxScope RootChild(string name)
    {
        foreach (var (n, m) in NamedChildren())
            if (n == name) return m as OnnxScope ?? throw new ArgumentException(name);
        return RegisterModule(name, new OnnxScope());
    }

    void Set(Module owner, string local, Tensor t, bool buffer, string onnxName)
    {
        if (owner is OnnxScope s)
        {
            if (s.OwnParameters().Any(p => p.Name == local) || s.NamedChildren().Any(c => c.Name == local)) throw new ArgumentException(local);
            t = buffer ? s.AddBuffer(local, t) : s.AddParameter(local, t);
        }
        else
        {
            if (OwnParameters().Any(p => p.Name == local) || NamedChildren().Any(c => c.Name == local)) throw new ArgumentException(local);
            t = buffer ? RegisterBuffer(local, t) : RegisterParameter(local, t);
        }
        _slots[onnxName] = (owner, local, buffer);
        _placed[onnxName] = t;
    }

    static string Sanitize(string s)
    {
        if (s.Length == 0) return "_";
        var sb = new StringBuilder(s.Length);
        foreach (var c in s) sb.Append(char.IsAsciiLetterOrDigit(c) || c == '_' ? c : '_');
        return sb.ToString();
    }

    Tensor? Lookup(string onnxName) =>
        _constants.TryGetValue(onnxName, out var c) ? c : _placed.TryGetValue(onnxName, out var p) ? p : null;

    /// <summary>The parsed model.</summary>
    public ModelProto Proto { get; }

    /// <summary>The default-domain opset the model was written for.</summary>
    public int Opset { get; }

    /// <summary>The model's IR version.</summary>
    public long IrVersion { get; }

    /// <summary>The tool that wrote the model ("pytorch 1.13.1").</summary>
    public string Producer { get; }

    /// <summary>The graph inputs the caller provides (initializers listed as inputs excluded).</summary>
    public IReadOnlyList<OnnxValueInfo> Inputs { get; }

    /// <summary>The graph outputs.</summary>
    public IReadOnlyList<OnnxValueInfo> Outputs { get; private set; }

    /// <summary>How many nodes of each operator the graph holds (Constant nodes included).</summary>
    public IReadOnlyDictionary<string, int> OperatorHistogram =>
        Proto.Graph.Node.GroupBy(n => n.OpType).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count());

    /// <summary>The number of learnable values.</summary>
    public long ParameterCount => Parameters().Sum(p => (long)p.Numel);

    /// <inheritdoc/>
    public override string TypeName => "OnnxModule";

    /// <inheritdoc/>
    protected override string ExtraRepr() => $"\"{_name}\", opset={Opset}, nodes={_nodes.Count}";

    /// <summary>Runs the graph on its single input and returns its first output.</summary>
    public override Tensor Forward(Tensor input)
    {
        if (Inputs.Count != 1)
            throw new ArgumentException($"OnnxModule.Forward: the model has {Inputs.Count} inputs ({string.Join(", ", Inputs.Select(i => i.Name))}); use Run with a dictionary.");
        return Run(new Dictionary<string, Tensor> { [Inputs[0].Name] = input })[Outputs[0].Name];
    }

    /// <summary>Runs the graph: one tensor per graph input by name; returns every graph output by name.</summary>
    public IReadOnlyDictionary<string, Tensor> Run(IReadOnlyDictionary<string, Tensor> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var env = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var k in inputs.Keys)
            if (!Inputs.Any(i => i.Name == k))
                throw new ArgumentException($"OnnxModule.Run: the model has no input '{k}' (it takes {string.Join(", ", Inputs.Select(v => v.ToString()))}).");
        foreach (var i in Inputs)
        {
            if (!inputs.TryGetValue(i.Name, out var t))
                throw new ArgumentException($"OnnxModule.Run: input '{i.Name}' is missing (the model takes {string.Join(", ", Inputs.Select(v => v.ToString()))}).");
            if (i.Dims.Length > 0 && t.Rank != i.Dims.Length)
                throw new ShapeMismatchException($"OnnxModule.Run: input '{i.Name}' expects [{string.Join(",", i.Dims)}], got {t.Shape}.");
            env[i.Name] = t;
        }
        var outputs = new HashSet<string>(Outputs.Select(o => o.Name), StringComparer.Ordinal);
        var ctx = new OnnxContext { Training = IsTraining };
        for (int idx = 0; idx < _nodes.Count; idx++)
        {
            var (n, op) = _nodes[idx];
            var args = new Tensor?[n.Inputs.Length];
            for (int i = 0; i < args.Length; i++)
            {
                string s = n.Inputs[i];
                if (s.Length == 0) continue;
                args[i] = env.TryGetValue(s, out var v) ? v : Lookup(s) ?? throw new InvalidOperationException($"{n}: value '{s}' is not available.");
            }
            Tensor?[] ys;
            try { ys = op.Import(n, args, ctx); }
            catch (ShapeMismatchException e) when (!e.Message.StartsWith("ONNX node", StringComparison.Ordinal)) { throw new ShapeMismatchException($"{n}: {e.Message}"); }
            catch (ArgumentException e) when (e is not ShapeMismatchException && !e.Message.StartsWith("ONNX node", StringComparison.Ordinal)) { throw new ArgumentException($"{n}: {e.Message}", e); }
            for (int i = 0; i < n.Outputs.Length && i < ys.Length; i++)
                if (n.Outputs[i].Length > 0 && ys[i] is { } y) env[n.Outputs[i]] = y;
            foreach (var s in n.Inputs)
                if (s.Length > 0 && _lastUse.TryGetValue(s, out int last) && last == idx && !outputs.Contains(s)) env.Remove(s);
        }
        var r = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var o in Outputs)
            r[o.Name] = env.TryGetValue(o.Name, out var v) ? v : Lookup(o.Name) ?? throw new InvalidOperationException($"output '{o.Name}' was not produced.");
        return r;
    }

    /// <summary>
    /// Replaces the classifier — the last Gemm, or MatMul (with its following bias Add), whose weight is a
    /// parameter — by a fresh one with <paramref name="numClasses"/> outputs, initialised like <see cref="Linear"/>
    /// (uniform in ±1/√in_features). The new parameters keep the old names and require gradients.
    /// </summary>
    public void ReplaceHead(int numClasses, Generator? generator = null)
    {
        if (numClasses <= 0) throw new ArgumentException($"ReplaceHead: numClasses must be positive, got {numClasses}.");
        var gen = generator ?? Generator.Default;
        for (int i = _nodes.Count - 1; i >= 0; i--)
        {
            var n = _nodes[i].Node;
            if (n.OpType is not ("Gemm" or "MatMul") || n.Inputs.Length < 2 || !_slots.ContainsKey(n.Inputs[1])) continue;
            var w = Lookup(n.Inputs[1])!;
            if (w.Rank != 2) continue;
            bool transB = n.OpType == "Gemm" && n.Int("transB", 0) != 0;
            int inF = transB ? w.Shape[1] : w.Shape[0];
            float bound = 1f / MathF.Sqrt(inF);
            SetSlot(n.Inputs[1], Uniform(gen, transB ? [numClasses, inF] : [inF, numClasses], bound));
            string? bias = n.OpType == "Gemm" ? (n.Inputs.Length > 2 && n.Inputs[2].Length > 0 ? n.Inputs[2] : null) : FindBiasAdd(i);
            if (bias is not null && _slots.ContainsKey(bias))
            {
                var b = Lookup(bias)!;
                int[] shape = b.Rank == 2 ? [1, numClasses] : [numClasses];
                SetSlot(bias, Uniform(gen, shape, bound));
            }
            Outputs = Outputs.Select(o => o.Dims.Length == 2 ? o with { Dims = [o.Dims[0], numClasses.ToString()] } : o).ToList();
            return;
        }
        throw new InvalidOperationException($"ReplaceHead: {_name} has no Gemm or MatMul whose weight is a parameter.");
    }

    string? FindBiasAdd(int matmulIndex)
    {
        string y = _nodes[matmulIndex].Node.Outputs[0];
        for (int j = matmulIndex + 1; j < _nodes.Count; j++)
        {
            var n = _nodes[j].Node;
            if (n.OpType != "Add" || !n.Inputs.Contains(y)) continue;
            var other = n.Inputs[0] == y ? n.Inputs[1] : n.Inputs[0];
            return _slots.ContainsKey(other) ? other : null;
        }
        return null;
    }

    static Tensor Uniform(Generator gen, int[] shape, float bound) =>
        Ops.Mul(Ops.Sub(Ops.Mul(Tensor.Rand(gen, shape), 2f), 1f), bound).Detach();

    void SetSlot(string onnxName, Tensor t)
    {
        var (owner, local, buffer) = _slots[onnxName];
        if (owner is OnnxScope s) t = buffer ? s.AddBuffer(local, t) : s.AddParameter(local, t);
        else t = buffer ? RegisterBuffer(local, t) : RegisterParameter(local, t);
        _placed[onnxName] = t;
    }

    /// <summary>
    /// The model as ONNX again, with the current values of its parameters and buffers (after fine-tuning or
    /// <see cref="ReplaceHead"/>) written into the initializers; the graph, opset and metadata are kept.
    /// </summary>
    public ModelProto ToProto()
    {
        var m = Proto.Clone();
        var g = m.Graph;
        for (int i = 0; i < g.Initializer.Count; i++)
        {
            var name = g.Initializer[i].Name;
            if (_placed.TryGetValue(name, out var t)) g.Initializer[i] = OnnxTensors.FromTensor(t.Detach(), name);
        }
        foreach (var v in g.Output)
        {
            var info = Outputs.FirstOrDefault(o => o.Name == v.Name);
            var dims = v.Type?.TensorType?.Shape?.Dim;
            if (info is null || dims is null || dims.Count != info.Dims.Length) continue;
            for (int d = 0; d < dims.Count; d++)
                if (dims[d].ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue && long.TryParse(info.Dims[d], out var val))
                    dims[d].DimValue = val;
        }
        return m;
    }

    /// <summary>The tensor behind an initializer name (parameter, buffer or constant), or null.</summary>
    public Tensor? Initializer(string onnxName) => Lookup(onnxName);
}
