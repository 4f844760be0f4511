using System.Collections;
using Fovea.Data.Transforms;

namespace Fovea.Data;

/// <summary>
/// Cuts a dataset into mini-batches: optional shuffling, per-sample transforms, drop-last, and background prefetch of
/// the next batch while the current one trains. Each <c>foreach</c> runs the rest of the current epoch; when it
/// completes, the loader moves to the next epoch (a loop that stops early continues where it stopped next time).
/// <para>
/// Determinism: the loader's <see cref="Generator"/> draws each epoch's permutation and an epoch key; sample k of an
/// epoch is transformed with a generator seeded from (epoch key, k). So a seed fixes every batch, whatever the
/// thread timing, and <see cref="GetState"/>/<see cref="SetState"/> resume mid-epoch exactly.
/// </para>
/// <para>
/// Speed: samples are copied straight into pooled batch buffers (three in rotation, so a batch stays valid while the
/// next is prefetched); nothing is allocated per sample. Set <c>reuseBuffers: false</c> to get fresh arrays per batch.
/// </para>
/// </summary>
public sealed class DataLoader : IEnumerable<Batch>
{
    readonly Dataset _dataset;
    readonly Transform[] _transforms;
    readonly Generator _gen;
    readonly int[] _outDims;         // [B-less] output sample shape
    readonly int _inNumel, _outNumel, _scratchLen;
    readonly (int C, int H, int W)[] _stageShapes;   // input shape of each transform, then the output
    readonly int[] _order;
    readonly Slot[] _slots = new Slot[3];
    float[]? _scratchA, _scratchB;
    readonly Generator _sampleRng = new(0);

    int _epoch, _position;
    bool _prepared;
    byte[] _epochState = [];
    ulong _epochKey;
    int _active;                     // 1 while an enumeration runs
    int _fills;                      // full batches filled so far: picks the buffer slot (fills never overlap)

    sealed class Slot { public float[] X = []; public float[] Y = []; public int[] I = []; }

    /// <param name="dataset">The samples.</param>
    /// <param name="batchSize">Samples per batch (the last batch of an epoch may be smaller unless <paramref name="dropLast"/>).</param>
    /// <param name="shuffle">Draw a new order every epoch.</param>
    /// <param name="generator">Source of the order and of augmentation; default: a new one seeded from
    /// <see cref="Generator.Default"/> (drawn only when the loader shuffles or has transforms).</param>
    /// <param name="dropLast">Skip the last, incomplete batch of each epoch.</param>
    /// <param name="transforms">Applied in order to every sample ([C,H,W]; a [H,W] sample counts as one channel).</param>
    /// <param name="prefetch">Prepare the next batch on a background thread.</param>
    /// <param name="reuseBuffers">Fill pooled arrays (see the class remarks) instead of fresh ones per batch.</param>
    public DataLoader(Dataset dataset, int batchSize, bool shuffle = false, Generator? generator = null, bool dropLast = false,
        IEnumerable<Transform>? transforms = null, bool prefetch = true, bool reuseBuffers = true)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (batchSize <= 0) throw new ArgumentException($"DataLoader: batchSize must be positive, got {batchSize}.");
        _dataset = dataset;
        BatchSize = batchSize;
        Shuffle = shuffle;
        DropLast = dropLast;
        Prefetch = prefetch;
        ReuseBuffers = reuseBuffers;
        _transforms = transforms?.ToArray() ?? [];
        foreach (var t in _transforms) ArgumentNullException.ThrowIfNull(t, nameof(transforms));
        // A loader that draws nothing random leaves the global generator alone (model init stays the same
        // whether or not an evaluation loader was made first).
        _gen = generator ?? (shuffle || _transforms.Length > 0
            ? new Generator(((long)Generator.Default.NextUInt() << 32) | Generator.Default.NextUInt())
            : new Generator(0));

        var inShape = dataset.SampleShape;
        _inNumel = inShape.Numel;
        _stageShapes = new (int, int, int)[_transforms.Length + 1];
        if (_transforms.Length == 0)
        {
            _outDims = inShape.ToArray();
            _outNumel = _inNumel;
        }
        else
        {
            var s = inShape.Rank switch
            {
                2 => (1, inShape[0], inShape[1]),
                3 => (inShape[0], inShape[1], inShape[2]),
                _ => throw new ShapeMismatchException($"DataLoader: transforms need image samples [C,H,W] or [H,W], got {inShape}."),
            };
            _stageShapes[0] = s;
            int max = _inNumel;
            for (int i = 0; i < _transforms.Length; i++)
            {
                s = _transforms[i].OutputShape(s.Item1, s.Item2, s.Item3);
                _stageShapes[i + 1] = s;
                max = Math.Max(max, s.Item1 * s.Item2 * s.Item3);
            }
            _outDims = [s.Item1, s.Item2, s.Item3];
            _outNumel = s.Item1 * s.Item2 * s.Item3;
            _scratchLen = max;
        }
        _order = new int[dataset.Count];
        for (int i = 0; i < _order.Length; i++) _order[i] = i;
    }

    /// <summary>The dataset being batched.</summary>
    public Dataset Dataset => _dataset;
    public int BatchSize { get; }
    public bool Shuffle { get; }
    public bool DropLast { get; }
    public bool Prefetch { get; }
    public bool ReuseBuffers { get; }
    /// <summary>The transforms, in order.</summary>
    public IReadOnlyList<Transform> Transforms => _transforms;
    /// <summary>The shape of one sample as it leaves the loader (after the transforms).</summary>
    public Shape SampleShape => new(_outDims);
    /// <summary>Batches in one epoch.</summary>
    public int BatchesPerEpoch => DropLast ? _dataset.Count / BatchSize : (_dataset.Count + BatchSize - 1) / BatchSize;
    /// <summary>Same as <see cref="BatchesPerEpoch"/>.</summary>
    public int Count => BatchesPerEpoch;
    /// <summary>The current epoch (0-based): how many epochs have completed.</summary>
    public int Epoch => _epoch;
    /// <summary>Batches of the current epoch already handed out.</summary>
    public int Position => _position;

    /// <summary>The state to pass to <see cref="SetState"/> to continue exactly from here.</summary>
    public DataLoaderState GetState()
        => new(_epoch, _position, _prepared ? (byte[])_epochState.Clone() : _gen.GetState(), _dataset.Count, BatchSize);

    /// <summary>Continues from a state saved by <see cref="GetState"/> (of a loader over the same data and batch size).</summary>
    public void SetState(DataLoaderState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (Volatile.Read(ref _active) != 0) throw new InvalidOperationException("DataLoader.SetState: cannot restore while an enumeration is running.");
        if (state.DatasetCount != _dataset.Count || state.BatchSize != BatchSize)
            throw new ArgumentException($"DataLoader.SetState: state is for {state.DatasetCount} samples in batches of {state.BatchSize}, this loader has {_dataset.Count} in batches of {BatchSize}.");
        if (state.Epoch < 0 || state.Position < 0 || state.Position > BatchesPerEpoch)
            throw new ArgumentException($"DataLoader.SetState: epoch {state.Epoch}, position {state.Position} is out of range ({BatchesPerEpoch} batches per epoch).");
        _gen.SetState(state.GeneratorState);
        _epoch = state.Epoch;
        _position = state.Position;
        _prepared = false;
        for (int i = 0; i < _order.Length; i++) _order[i] = i;
    }

    void PrepareEpoch()
    {
        if (_prepared) return;
        _epochState = _gen.GetState();
        for (int i = 0; i < _order.Length; i++) _order[i] = i;
        if (Shuffle) _gen.Shuffle<int>(_order);
        _epochKey = ((ulong)_gen.NextUInt() << 32) | _gen.NextUInt();
        _prepared = true;
    }

    void EndEpoch()
    {
        _epoch++;
        _position = 0;
        _prepared = false;
    }

    static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 33)) * 0xFF51AFD7ED558CCDUL;
        z = (z ^ (z >> 33)) * 0xC4CEB9FE1A85EC53UL;
        return z ^ (z >> 33);
    }

    /// <summary>Builds batch <paramref name="b"/> of the current epoch (order and key already drawn).</summary>
    Batch Fill(int b)
    {
        int start = b * BatchSize;
        int n = Math.Min(BatchSize, _dataset.Count - start);
        float[] x, y; int[] idx;
        if (ReuseBuffers && n == BatchSize)
        {
            var slot = _slots[_fills] ??= new Slot();
            _fills = (_fills + 1) % 3;
            if (slot.I.Length != n) { slot.X = new float[n * _outNumel]; slot.Y = new float[n]; slot.I = new int[n]; }
            (x, y, idx) = (slot.X, slot.Y, slot.I);
        }
        else (x, y, idx) = (new float[n * _outNumel], new float[n], new int[n]);

        for (int k = 0; k < n; k++)
        {
            int i = _order[start + k];
            idx[k] = i;
            y[k] = _dataset.GetLabel(i);
            var dst = x.AsSpan(k * _outNumel, _outNumel);
            if (_transforms.Length == 0) { _dataset.CopySample(i, dst); continue; }
            _scratchA ??= new float[_scratchLen];
            _scratchB ??= new float[_scratchLen];
            _dataset.CopySample(i, _scratchA.AsSpan(0, _inNumel));
            _sampleRng.Seed((long)Mix(_epochKey ^ Mix((ulong)(start + k) + 0x632BE59BD9B4E019UL)));
            float[] src = _scratchA, other = _scratchB;
            for (int t = 0; t < _transforms.Length; t++)
            {
                var (c, h, w) = _stageShapes[t];
                var (oc, oh, ow) = _stageShapes[t + 1];
                Span<float> to = t == _transforms.Length - 1 ? dst : other.AsSpan(0, oc * oh * ow);
                _transforms[t].Apply(src.AsSpan(0, c * h * w), c, h, w, to, _sampleRng);
                (src, other) = (other, src);
            }
        }
        var dims = new int[_outDims.Length + 1];
        dims[0] = n;
        _outDims.CopyTo(dims, 1);
        return new Batch(Tensor.Wrap(x, dims), Tensor.Wrap(y, n), idx);
    }

    /// <summary>Iterates the rest of the current epoch; completing it advances <see cref="Epoch"/>.</summary>
    public IEnumerator<Batch> GetEnumerator()
    {
        if (Interlocked.Exchange(ref _active, 1) != 0)
            throw new InvalidOperationException("DataLoader: only one enumeration at a time (the batches share buffers and a position).");
        return new Enumerator(this);
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    sealed class Enumerator(DataLoader loader) : IEnumerator<Batch>
    {
        Task<Batch>? _pending;
        int _next = -1;
        bool _done;
        Batch? _current;

        public Batch Current => _current ?? throw new InvalidOperationException("DataLoader: MoveNext first.");
        object IEnumerator.Current => Current;

        public bool MoveNext()
        {
            if (_done) return false;
            if (_next < 0)
            {
                loader.PrepareEpoch();
                _next = loader._position;
            }
            int total = loader.BatchesPerEpoch;
            if (_next >= total)
            {
                loader.EndEpoch();
                Finish();
                return false;
            }
            Batch b;
            if (_pending != null)
            {
                var p = _pending;
                _pending = null;
                b = p.GetAwaiter().GetResult();
            }
            else b = loader.Fill(_next);
            _next++;
            loader._position = _next;
            if (loader.Prefetch && _next < total)
            {
                int nb = _next;
                _pending = Task.Run(() => loader.Fill(nb));
            }
            _current = b;
            return true;
        }

        void Finish()
        {
            if (_done) return;
            _done = true;
            try { _pending?.Wait(); } catch (AggregateException) { }   // never leave a fill writing into the buffers
            _pending = null;
            Volatile.Write(ref loader._active, 0);
        }

        public void Reset() => throw new NotSupportedException("DataLoader: enumerate again instead of Reset.");
        public void Dispose() => Finish();
    }

    public override string ToString()
        => $"DataLoader({_dataset.GetType().Name} of {_dataset.Count}, batch {BatchSize}, shuffle={Shuffle}, dropLast={DropLast}, transforms=[{string.Join(", ", _transforms.Select(t => t.ToString()))}])";
}
