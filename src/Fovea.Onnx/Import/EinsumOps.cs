namespace Fovea.Onnx;

public static partial class OnnxOperators
{
    // Einsum, composed from differentiable ops: each operand's repeated letters are reduced to their diagonal
    // (multiply by an identity mask, sum one axis), the operands are permuted and unsqueezed onto one common letter
    // order and multiplied with broadcasting, then letters missing from the output are summed away. "..." stands for
    // the same leading batch axes in every operand. Without "->" the output is the letters used once, sorted.
    static Tensor?[] EinsumImport(OnnxNode n, Tensor?[] xs, OnnxContext ctx)
    {
        string eq = n.String("equation", "").Replace(" ", "");
        int arrow = eq.IndexOf("->", StringComparison.Ordinal);
        var lhs = (arrow < 0 ? eq : eq[..arrow]).Split(',');
        if (lhs.Length != xs.Length) throw n.Error($"equation '{eq}' names {lhs.Length} operands, the node has {xs.Length}");
        // "..." becomes upper-case letters, one per broadcast axis (the equation letters are lower or upper case;
        // use characters outside both for the ellipsis axes).
        int ell = 0;
        for (int i = 0; i < lhs.Length; i++)
            if (lhs[i].Contains("...")) ell = Math.Max(ell, In(n, xs, i).Rank - (lhs[i].Length - 3));
        string ellLetters = new([.. Enumerable.Range(0, ell).Select(k => (char)('\u0100' + k))]);
        var terms = new string[lhs.Length];
        for (int i = 0; i < lhs.Length; i++)
        {
            int here = lhs[i].Contains("...") ? In(n, xs, i).Rank - (lhs[i].Length - 3) : 0;
            terms[i] = lhs[i].Replace("...", ellLetters[(ell - here)..]);
            if (terms[i].Length != In(n, xs, i).Rank) throw new ShapeMismatchException($"{n}: term '{lhs[i]}' does not fit operand {i} {In(n, xs, i).Shape}.");
        }
        string output;
        if (arrow >= 0) output = eq[(arrow + 2)..].Replace("...", ellLetters);
        else
        {
            var all = string.Concat(terms);
            output = ellLetters + new string([.. all.Where(c => c < '\u0100' && all.Count(d => d == c) == 1).Order()]);
        }
        // Diagonals of repeated letters within one operand.
        var ops = new Tensor[terms.Length];
        for (int i = 0; i < terms.Length; i++)
        {
            var t = In(n, xs, i);
            var term = terms[i];
            for (int p = 0; p < term.Length; p++)
                for (int q = term.Length - 1; q > p; q--)
                {
                    if (term[q] != term[p]) continue;
                    int size = t.Shape[p];
                    var eye = new float[size * size];
                    for (int k = 0; k < size; k++) eye[k * size + k] = 1f;
                    var shape = new int[t.Rank];
                    Array.Fill(shape, 1);
                    shape[p] = size; shape[q] = size;
                    t = Ops.Sum(Ops.Mul(t, Tensor.FromArray(eye, shape)), [q]);
                    term = term.Remove(q, 1);
                }
            ops[i] = t;
            terms[i] = term;
        }
        // One common order: output letters first, then the summed ones.
        var letters = output + new string([.. string.Concat(terms).Distinct().Where(c => !output.Contains(c))]);
        Tensor? acc = null;
        for (int i = 0; i < ops.Length; i++)
        {
            var t = ops[i];
            var term = terms[i];
            var present = letters.Where(c => term.Contains(c)).ToArray();
            var perm = present.Select(c => term.IndexOf(c)).ToArray();
            t = Ops.Permute(t, perm);
            var shape = letters.Select(c => term.Contains(c) ? t.Shape[Array.IndexOf(present, c)] : 1).ToArray();
            t = Ops.Reshape(t.Contiguous(), shape);
            acc = acc is null ? t : Ops.Mul(acc, t);
        }
        int extra = letters.Length - output.Length;
        var y = extra > 0 ? Ops.Sum(acc!, [.. Enumerable.Range(output.Length, extra)]) : acc!;
        return One(y.Contiguous());
    }
}
