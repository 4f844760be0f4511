using Fovea.Kernels;

namespace Fovea.Tests.Kernels;

public class ParallelMapTests
{
    // Lengths around the chunk size (several chunks, uneven tails) against the single-threaded drivers, bit for bit,
    // including in place.
    [Theory]
    [InlineData(0)]
    [InlineData(37)]
    [InlineData(ParallelMap.MinChunk - 1)]
    [InlineData(2 * ParallelMap.MinChunk - 1)]
    [InlineData(2 * ParallelMap.MinChunk + 13)]
    [InlineData(3 * ParallelMap.MinChunk + 7)]
    public void MatchesSingleThreadedMap(int n)
    {
        var gen = new Generator(n + 1);
        var a = Tensor.Randn(gen, Math.Max(n, 1)).ToArray()[..n];
        var b = Tensor.Randn(gen, Math.Max(n, 1)).ToArray()[..n];
        var expected = new float[n];
        var actual = new float[n];
        Map.Unary<ReluOp>(a, expected);
        ParallelMap.Unary<ReluOp>(a, actual);
        Assert.Equal(expected, actual);
        Map.Binary<ReluGradOp>(a, b, expected);
        ParallelMap.Binary<ReluGradOp>(a, b, actual);
        Assert.Equal(expected, actual);
        ParallelMap.Binary<ReluGradOp>(a, b, b); // in place
        Assert.Equal(expected, b);
    }
}
