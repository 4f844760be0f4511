using System.Numerics;

namespace Fovea;

/// <summary>
/// A seedable random number generator (xoshiro128** seeded by SplitMix64) whose whole state can be saved and
/// restored, so that a resumed training run draws exactly the numbers an uninterrupted one would.
/// <see cref="Default"/> is used wherever no generator is passed; <see cref="ManualSeed"/> reseeds it.
/// </summary>
public sealed class Generator
{
    uint _s0, _s1, _s2, _s3;
    float _spareNormal;
    bool _hasSpare;

    [ThreadStatic] static Generator? t_default;

    /// <summary>
    /// The generator used when none is given (dropout masks, <c>Tensor.Randn(shape)</c>, default initialisation).
    /// Each thread has its own, seeded alike, so concurrent work (a web server, parallel tests) neither races on it
    /// nor perturbs another thread's sequence.
    /// </summary>
    public static Generator Default => t_default ??= new Generator(0x5EED);

    /// <summary>Reseeds this thread's <see cref="Default"/>, like <c>torch.manual_seed</c>.</summary>
    public static void ManualSeed(long seed) => Default.Seed(seed);

    public Generator(long seed) => Seed(seed);

    /// <summary>Resets the state from a seed.</summary>
    public void Seed(long seed)
    {
        ulong x = (ulong)seed;
        ulong a = SplitMix(ref x), b = SplitMix(ref x);
        _s0 = (uint)a; _s1 = (uint)(a >> 32); _s2 = (uint)b; _s3 = (uint)(b >> 32);
        if ((_s0 | _s1 | _s2 | _s3) == 0) _s0 = 1;
        _hasSpare = false;
    }

    static ulong SplitMix(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>The next 32 random bits.</summary>
    public uint NextUInt()
    {
        uint result = BitOperations.RotateLeft(_s1 * 5, 7) * 9;
        uint t = _s1 << 9;
        _s2 ^= _s0; _s3 ^= _s1; _s1 ^= _s2; _s0 ^= _s3;
        _s2 ^= t;
        _s3 = BitOperations.RotateLeft(_s3, 11);
        return result;
    }

    /// <summary>Uniform in [0, 1).</summary>
    public float NextFloat() => (NextUInt() >> 8) * (1.0f / (1 << 24));

    /// <summary>Uniform in [0, 1) with 53 bits.</summary>
    public double NextDouble() => (((ulong)NextUInt() << 21) ^ (NextUInt() >> 11)) * (1.0 / (1UL << 53));

    /// <summary>Uniform integer in [0, maxExclusive), without modulo bias.</summary>
    public int NextInt(int maxExclusive)
    {
        if (maxExclusive <= 0) throw new ArgumentOutOfRangeException(nameof(maxExclusive), "must be positive");
        ulong m = (ulong)NextUInt() * (uint)maxExclusive;
        uint l = (uint)m;
        if (l < (uint)maxExclusive)
        {
            uint t = (uint)(-maxExclusive) % (uint)maxExclusive;
            while (l < t) { m = (ulong)NextUInt() * (uint)maxExclusive; l = (uint)m; }
        }
        return (int)(m >> 32);
    }

    /// <summary>Standard normal (Box–Muller; the second value of each pair is kept for the next call).</summary>
    public float NextNormal()
    {
        if (_hasSpare) { _hasSpare = false; return _spareNormal; }
        double u1;
        do u1 = NextDouble(); while (u1 <= double.Epsilon);
        double u2 = NextDouble();
        double r = Math.Sqrt(-2.0 * Math.Log(u1));
        _spareNormal = (float)(r * Math.Sin(2 * Math.PI * u2));
        _hasSpare = true;
        return (float)(r * Math.Cos(2 * Math.PI * u2));
    }

    /// <summary>Shuffles a span in place (Fisher–Yates).</summary>
    public void Shuffle<T>(Span<T> items)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    /// <summary>The whole state as bytes, for checkpoints.</summary>
    public byte[] GetState()
    {
        var b = new byte[21];
        BitConverter.TryWriteBytes(b.AsSpan(0), _s0);
        BitConverter.TryWriteBytes(b.AsSpan(4), _s1);
        BitConverter.TryWriteBytes(b.AsSpan(8), _s2);
        BitConverter.TryWriteBytes(b.AsSpan(12), _s3);
        BitConverter.TryWriteBytes(b.AsSpan(16), _spareNormal);
        b[20] = _hasSpare ? (byte)1 : (byte)0;
        return b;
    }

    /// <summary>Restores a state made by <see cref="GetState"/>.</summary>
    public void SetState(ReadOnlySpan<byte> state)
    {
        if (state.Length != 21) throw new ArgumentException($"Generator state must be 21 bytes, got {state.Length}.");
        _s0 = BitConverter.ToUInt32(state[0..]); _s1 = BitConverter.ToUInt32(state[4..]);
        _s2 = BitConverter.ToUInt32(state[8..]); _s3 = BitConverter.ToUInt32(state[12..]);
        _spareNormal = BitConverter.ToSingle(state[16..]);
        _hasSpare = state[20] != 0;
    }
}
