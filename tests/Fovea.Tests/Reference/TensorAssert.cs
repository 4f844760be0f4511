namespace Fovea.Tests.Reference;

/// <summary>Assertions on tensors that report the index, both values and the shapes.</summary>
public static class TensorAssert
{
    public static void Close(float[] expected, Tensor actual, float atol = 1e-5f, float rtol = 1e-4f)
        => Close(expected, actual.ToArray(), atol, rtol, actual.Shape.ToString());

    public static void Close(Tensor expected, Tensor actual, float atol = 1e-5f, float rtol = 1e-4f)
    {
        Assert.True(expected.Shape == actual.Shape, $"shape: expected {expected.Shape}, got {actual.Shape}");
        Close(expected.ToArray(), actual.ToArray(), atol, rtol, actual.Shape.ToString());
    }

    public static void Close(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, float atol, float rtol, string shape = "")
    {
        Assert.True(expected.Length == actual.Length, $"length: expected {expected.Length}, got {actual.Length} {shape}");
        for (int i = 0; i < expected.Length; i++)
        {
            float e = expected[i], a = actual[i];
            if (float.IsNaN(e) && float.IsNaN(a)) continue;
            if (e == a) continue;
            if (!(Math.Abs(e - a) <= atol + rtol * Math.Abs(e)))
                Assert.Fail($"element {i} of {expected.Length} {shape}: expected {e:G9}, got {a:G9} (|diff| {Math.Abs(e - a):G3}, atol {atol}, rtol {rtol})");
        }
    }

    public static void GradOk(Func<Tensor[], Tensor> f, params Tensor[] inputs)
    {
        var r = GradCheck.Check(f, inputs);
        Assert.True(r.Ok, r.Message);
    }
}
