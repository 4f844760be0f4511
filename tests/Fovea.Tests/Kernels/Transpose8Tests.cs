using Fovea.Kernels;

namespace Fovea.Tests.Kernels;

/// <summary>
/// The blocked 8x8 transposition against the definition: odd row and column counts around the tile (8) and column
/// block (64) sizes (overlapping tiles, masked stores for fewer than 8 rows), leading dimensions wider than the block (values outside it untouched), and the threaded entry
/// on blocks above its threshold with 1 to 3 threads.
/// </summary>
[Collection("Parallelism.MaxThreads")]
public unsafe class Transpose8Tests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(7, 9)]
    [InlineData(3, 17)]      // fewer than 8 rows: masked stores
    [InlineData(7, 64)]
    [InlineData(14, 64)]     // the last row strip overlaps the one before
    [InlineData(32, 14)]     // the last tile of a column block overlaps the one before
    [InlineData(9, 7)]       // fewer than 8 columns
    [InlineData(8, 70)]      // a last column block of 6
    [InlineData(8, 64)]
    [InlineData(17, 65)]
    [InlineData(67, 130)]
    [InlineData(512, 577)]
    [InlineData(600, 1031)]
    public void MatchesTheDefinition(int rows, int cols)
    {
        var r = new Random(rows * 7919 + cols);
        int lds = cols + 3, ldd = rows + 5;
        var src = new float[rows * lds];
        for (int i = 0; i < src.Length; i++) src[i] = (float)r.NextDouble();
        int saved = Parallelism.MaxThreads;
        try
        {
            foreach (bool parallel in new[] { false, true })
                foreach (int threads in parallel ? new[] { 1, 2, 3 } : new[] { 1 })
                {
                    Parallelism.MaxThreads = threads;
                    var dst = new float[cols * ldd];
                    Array.Fill(dst, -1f);
                    fixed (float* ps = src, pd = dst)
                    {
                        if (parallel) Transpose8.RunParallel(ps, lds, pd, ldd, rows, cols);
                        else Transpose8.Run(ps, lds, pd, ldd, rows, cols);
                    }
                    for (int c = 0; c < cols; c++)
                        for (int j = 0; j < ldd; j++)
                        {
                            float want = j < rows ? src[j * lds + c] : -1f;
                            Assert.True(dst[c * ldd + j] == want, $"{rows}x{cols} parallel={parallel} threads={threads}: dst[{c},{j}] = {dst[c * ldd + j]}, expected {want}");
                        }
                }
        }
        finally { Parallelism.MaxThreads = saved; }
    }
}
