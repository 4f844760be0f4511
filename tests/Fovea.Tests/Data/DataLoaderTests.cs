using Fovea.Data;
using Fovea.Data.Transforms;

namespace Fovea.Tests.Data;

public class DataLoaderTests
{
    // Sample i is a 1x2x2 image filled with i; label i % 3.
    static TensorDataset Numbers(int n)
    {
        var x = new float[n * 4];
        var y = new int[n];
        for (int i = 0; i < n; i++) { x.AsSpan(4 * i, 4).Fill(i); y[i] = i % 3; }
        return new TensorDataset(x, [1, 2, 2], y);
    }

    static List<float[]> Epoch(DataLoader loader) => loader.Select(b => b.Input.ToArray()).ToList();

    [Fact]
    public void SequentialBatchesAndLastPartialBatch()
    {
        var loader = new DataLoader(Numbers(10), 4);
        Assert.Equal(3, loader.BatchesPerEpoch);
        var batches = loader.Select(b => b.Clone()).ToList();
        Assert.Equal(new[] { 4, 4, 2 }, batches.Select(b => b.Count));
        Assert.Equal(new[] { 4, 1, 2, 2 }, (int[])batches[0].Input.Shape);
        Assert.Equal(new[] { 2, 1, 2, 2 }, (int[])batches[2].Input.Shape);
        Assert.Equal(new[] { 8, 9 }, batches[2].Indices);
        Assert.Equal(new float[] { 1, 2, 0, 1 }, batches[1].Target.ToArray());
        Assert.Equal(new float[] { 5, 5, 5, 5 }, batches[1].Input.ToArray()[4..8]);
        Assert.Equal(1, loader.Epoch);
        Assert.Equal(0, loader.Position);
    }

    [Fact]
    public void DropLast()
    {
        var loader = new DataLoader(Numbers(10), 4, shuffle: true, generator: new Generator(1), dropLast: true);
        Assert.Equal(2, loader.BatchesPerEpoch);
        var counts = loader.Select(b => b.Count).ToList();
        Assert.Equal(new[] { 4, 4 }, counts);
        Assert.Empty(new DataLoader(Numbers(3), 4, dropLast: true).Select(b => b.Count));
    }

    [Fact]
    public void ShuffleIsAPermutationPerEpochAndDeterministicForASeed()
    {
        var a = new DataLoader(Numbers(23), 5, shuffle: true, generator: new Generator(42));
        var b = new DataLoader(Numbers(23), 5, shuffle: true, generator: new Generator(42), prefetch: false);
        var c = new DataLoader(Numbers(23), 5, shuffle: true, generator: new Generator(43));
        var e0 = a.SelectMany(x => x.Indices.ToArray()).ToArray();
        var e1 = a.SelectMany(x => x.Indices.ToArray()).ToArray();
        Assert.Equal(Enumerable.Range(0, 23), e0.Order());
        Assert.Equal(Enumerable.Range(0, 23), e1.Order());
        Assert.NotEqual(e0, e1);
        Assert.Equal(e0, b.SelectMany(x => x.Indices.ToArray()));
        Assert.Equal(e1, b.SelectMany(x => x.Indices.ToArray()));
        Assert.NotEqual(e0, c.SelectMany(x => x.Indices.ToArray()));
    }

    static Transform[] Augment() => [new RandomCrop(2, padding: 1), new RandomHorizontalFlip(), new RandomErasing(0.5f)];

    [Fact]
    public void TransformsAreDeterministicAndIndependentOfPrefetch()
    {
        var ds = RandomImages(37);
        var a = new DataLoader(ds, 8, shuffle: true, generator: new Generator(7), transforms: Augment());
        var b = new DataLoader(ds, 8, shuffle: true, generator: new Generator(7), transforms: Augment(), prefetch: false, reuseBuffers: false);
        for (int epoch = 0; epoch < 2; epoch++)
        {
            var ea = Epoch(a);
            var eb = Epoch(b);
            Assert.Equal(ea.Count, eb.Count);
            for (int i = 0; i < ea.Count; i++) Assert.Equal(ea[i], eb[i]);
        }
        Assert.Equal(new[] { 8, 3, 2, 2 }, (int[])a.First().Input.Shape);
    }

    static TensorDataset RandomImages(int n)
    {
        var g = new Generator(11);
        var x = new float[n * 3 * 4 * 4];
        for (int i = 0; i < x.Length; i++) x[i] = g.NextFloat();
        var y = new int[n];
        for (int i = 0; i < n; i++) y[i] = i % 4;
        return new TensorDataset(x, [3, 4, 4], y);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(5)]
    public void ResumeMidEpochGivesExactlyTheRemainingBatches(int stopAfter)
    {
        var ds = RandomImages(37);
        var reference = new DataLoader(ds, 8, shuffle: true, generator: new Generator(99), transforms: Augment());
        var all = Epoch(reference).Concat(Epoch(reference)).ToList();   // two epochs, 5 batches each

        var first = new DataLoader(ds, 8, shuffle: true, generator: new Generator(99), transforms: Augment());
        Epoch(first);                                                    // finish epoch 0
        DataLoaderState state = first.GetState();
        using (var e = first.GetEnumerator())
        {
            // A batch counts as consumed once MoveNext has handed it out.
            for (int seen = 0; seen < stopAfter; seen++)
            {
                Assert.True(e.MoveNext());
                Assert.Equal(all[5 + seen], e.Current.Input.ToArray());
                state = first.GetState();
            }
        }
        Assert.Equal(1, state.Epoch);
        Assert.Equal(stopAfter, state.Position);
        Assert.Equal(stopAfter, first.Position);

        var resumed = new DataLoader(ds, 8, shuffle: true, generator: new Generator(12345), transforms: Augment());
        resumed.SetState(DataLoaderState.FromBytes(state.ToBytes()));
        var rest = Epoch(resumed);
        Assert.Equal(5 - stopAfter, rest.Count);
        for (int i = 0; i < rest.Count; i++) Assert.Equal(all[5 + stopAfter + i], rest[i]);
        Assert.Equal(2, resumed.Epoch);

        // The epoch after the resumed one matches an uninterrupted run too.
        var third = Epoch(reference);
        var thirdResumed = Epoch(resumed);
        for (int i = 0; i < third.Count; i++) Assert.Equal(third[i], thirdResumed[i]);

        // A loop that stops early continues where it stopped.
        var restFirst = Epoch(first);
        Assert.Equal(5 - stopAfter, restFirst.Count);
        for (int i = 0; i < restFirst.Count; i++) Assert.Equal(rest[i], restFirst[i]);
        Assert.Equal(2, first.Epoch);
    }

    [Fact]
    public void SetStateRejectsAnotherLoadersState()
    {
        var a = new DataLoader(Numbers(10), 4);
        var b = new DataLoader(Numbers(11), 4);
        Assert.Throws<ArgumentException>(() => b.SetState(a.GetState()));
        Assert.Throws<FoveaFormatException>(() => DataLoaderState.FromBytes(new byte[10]));
    }

    [Fact]
    public void PrefetchedBatchesStayValidForOneMoreBatch()
    {
        var loader = new DataLoader(Numbers(64), 4);
        Batch? previous = null;
        foreach (var b in loader)
        {
            int first = b.Indices[0];
            Assert.Equal((float)first, b.Input.ToArray()[0]);
            if (previous != null) Assert.Equal((float)(first - 4), previous.Input.ToArray()[0]);
            previous = b;
        }
    }

    [Fact]
    public void OnlyOneEnumerationAtATime()
    {
        var loader = new DataLoader(Numbers(10), 4);
        using var e = loader.GetEnumerator();
        Assert.True(e.MoveNext());
        Assert.Throws<InvalidOperationException>(() => loader.GetEnumerator());
    }

    sealed class Failing(int bad) : Dataset
    {
        public override int Count => 20;
        public override Shape SampleShape => new(1);
        public override void CopySample(int index, Span<float> destination)
        {
            if (index == bad) throw new FoveaFormatException($"sample {index} is broken");
            destination[0] = index;
        }
        public override int GetLabel(int index) => 0;
    }

    [Fact]
    public void ErrorsInBackgroundFillReachTheCaller()
    {
        var loader = new DataLoader(new Failing(13), 4);
        var e = Assert.Throws<FoveaFormatException>(() => loader.Select(b => b.Count).ToList());
        Assert.Contains("sample 13", e.Message);
        // The loader is usable again (the failed enumeration was released).
        Assert.Equal(3, loader.Position);
    }

    [Fact]
    public void SteadyStateStepsAllocateNothingPerSample()
    {
        var ds = RandomImages(512);
        var loader = new DataLoader(ds, 64, shuffle: true, generator: new Generator(1), transforms: Augment(), prefetch: false);
        Epoch(loader);                                                  // warm up: buffers exist
        long before = GC.GetAllocatedBytesForCurrentThread();
        int batches = 0;
        foreach (var b in loader) batches++;
        long perBatch = (GC.GetAllocatedBytesForCurrentThread() - before) / batches;
        Assert.True(perBatch < 1024, $"{perBatch} bytes allocated per batch of 64");
    }
}
