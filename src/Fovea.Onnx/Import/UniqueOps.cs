namespace Fovea.Onnx;

public static partial class OnnxOperators
{
    // Unique: distinct elements (or slices along `axis`), sorted or in order of first appearance, with the first
    // index of each, the inverse map and the counts. Computed directly (no gradient).
    static Tensor?[] UniqueImport(OnnxNode n, Tensor?[] xs, OnnxContext ctx)
    {
        var x = In(n, xs, 0);
        bool sorted = n.Int("sorted", 1) != 0;
        int axis;
        if (n.Has("axis")) axis = Axis(n, n.Int("axis"), x.Rank);
        else { x = Ops.Reshape(x, x.Numel); axis = 0; }
        var moved = Ops.Transpose(x, 0, axis).Contiguous();   // slices along axis 0
        int count = moved.Shape[0];
        int len = count == 0 ? 0 : moved.Numel / count;
        var v = moved.ToArray();
        float[] Slice(int i) => v.AsSpan(i * len, len).ToArray();
        var firsts = new List<int>();
        var inverse = new int[count];
        var counts = new List<int>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < count; i++)
        {
            string key = string.Join(",", Slice(i).Select(f => BitConverter.SingleToInt32Bits(f == 0 ? 0f : f)));
            if (!seen.TryGetValue(key, out int u)) { u = firsts.Count; seen[key] = u; firsts.Add(i); counts.Add(0); }
            inverse[i] = u;
            counts[u]++;
        }
        var order = Enumerable.Range(0, firsts.Count).ToArray();
        if (sorted)
            Array.Sort(order, (a, b) =>
            {
                var sa = Slice(firsts[a]); var sb = Slice(firsts[b]);
                for (int k = 0; k < len; k++) { int c = sa[k].CompareTo(sb[k]); if (c != 0) return c; }
                return 0;
            });
        var rank = new int[order.Length];
        for (int r = 0; r < order.Length; r++) rank[order[r]] = r;
        var firstIdx = order.Select(u => (float)firsts[u]).ToArray();
        var y = Ops.IndexSelect(moved, 0, Tensor.FromArray(firstIdx, firstIdx.Length));
        y = Ops.Transpose(y, 0, axis).Contiguous();
        return [y, Tensor.FromArray(firstIdx, firstIdx.Length), Tensor.FromArray(inverse.Select(u => (float)rank[u]).ToArray(), count),
            Tensor.FromArray(order.Select(u => (float)counts[u]).ToArray(), order.Length)];
    }
}
