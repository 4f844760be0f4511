using System.Globalization;
using System.Text;

namespace Fovea.IO;

/// <summary>The element types an NPY file may hold that Fovea reads (all converted to float32).</summary>
internal enum NpyKind { Float, Int, UInt, Bool }

/// <summary>
/// The parsed header of an NPY array: dtype, memory order and shape. Parses only the Python dict literal NumPy
/// writes (<c>{'descr': '&lt;f4', 'fortran_order': False, 'shape': (2, 3), }</c>); nothing is evaluated.
/// </summary>
internal sealed class NpyHeader
{
    public required NpyKind Kind { get; init; }
    /// <summary>Bytes per element: 1, 2, 4 or 8.</summary>
    public required int ItemSize { get; init; }
    public required bool BigEndian { get; init; }
    public required bool FortranOrder { get; init; }
    public required int[] Dims { get; init; }
    public required int Numel { get; init; }
    public required string Descr { get; init; }

    public long DataBytes => (long)Numel * ItemSize;

    const string Supported = "<f2 <f4 <f8 |i1 <i2 <i4 <i8 |u1 <u2 <u4 <u8 |b1 (and their big-endian forms)";

    /// <summary>Parses the header text, or throws a <see cref="FoveaFormatException"/> that starts with <paramref name="what"/>.</summary>
    public static NpyHeader Parse(string text, string what)
    {
        var p = new Parser(text, what);
        string? descr = null;
        bool? fortran = null;
        List<long>? shape = null;
        p.Expect('{');
        while (true)
        {
            p.SkipWs();
            if (p.TryTake('}')) break;
            string key = p.ReadString();
            p.Expect(':');
            switch (key)
            {
                case "descr":
                    if (descr != null) throw p.Fail("key 'descr' appears twice");
                    p.SkipWs();
                    if (p.Peek is '[' or '{') throw p.Fail("structured dtypes (record arrays) are not supported; save plain numeric arrays");
                    descr = p.ReadString();
                    break;
                case "fortran_order":
                    if (fortran != null) throw p.Fail("key 'fortran_order' appears twice");
                    fortran = p.ReadBool();
                    break;
                case "shape":
                    if (shape != null) throw p.Fail("key 'shape' appears twice");
                    shape = p.ReadIntTuple();
                    break;
                default:
                    throw p.Fail($"unexpected header key '{key}' (expected descr, fortran_order, shape)");
            }
            p.SkipWs();
            if (p.TryTake(',')) continue;
            p.Expect('}');
            break;
        }
        p.SkipWs();
        if (!p.AtEnd) throw p.Fail("unexpected text after the header dictionary");
        if (descr == null || fortran == null || shape == null)
            throw new FoveaFormatException($"{what}: header lacks {(descr == null ? "'descr'" : fortran == null ? "'fortran_order'" : "'shape'")} (header: {Clip(text)})");

        var (kind, size, big) = ParseDescr(descr, what);
        var dims = new int[shape.Count];
        for (int i = 0; i < dims.Length; i++)
        {
            long d = shape[i];
            if (d < 0) throw new FoveaFormatException($"{what}: shape {FormatShape(shape)} has a negative dimension ({d}) at axis {i}.");
            if (d > int.MaxValue) throw new FoveaFormatException($"{what}: shape {FormatShape(shape)} has dimension {d} at axis {i}, larger than {int.MaxValue}.");
            dims[i] = (int)d;
        }
        int numel = CheckedNumel(dims, what);
        return new NpyHeader { Kind = kind, ItemSize = size, BigEndian = big, FortranOrder = fortran.Value, Dims = dims, Numel = numel, Descr = descr };
    }

    /// <summary>The element count, or a format error when it exceeds what one .NET array can hold.</summary>
    internal static int CheckedNumel(int[] dims, string what)
    {
        foreach (int d in dims) if (d == 0) return 0;
        long n = 1;
        foreach (int d in dims)
        {
            n *= d;
            if (n > Array.MaxLength)
                throw new FoveaFormatException($"{what}: shape {Shape.Format(dims)} has more elements than one array can hold ({Array.MaxLength}).");
        }
        return (int)n;
    }

    static (NpyKind, int, bool) ParseDescr(string descr, string what)
    {
        if (descr.Length < 2 || descr.Length > 4)
            throw new FoveaFormatException($"{what}: unsupported dtype '{descr}' (supported: {Supported}).");
        char order = descr[0];
        string rest = descr[1..];
        if (order is not ('<' or '>' or '|' or '=')) { order = '|'; rest = descr; }
        (NpyKind kind, int size) = rest switch
        {
            "f2" => (NpyKind.Float, 2), "f4" => (NpyKind.Float, 4), "f8" => (NpyKind.Float, 8),
            "i1" => (NpyKind.Int, 1), "i2" => (NpyKind.Int, 2), "i4" => (NpyKind.Int, 4), "i8" => (NpyKind.Int, 8),
            "u1" => (NpyKind.UInt, 1), "u2" => (NpyKind.UInt, 2), "u4" => (NpyKind.UInt, 4), "u8" => (NpyKind.UInt, 8),
            "b1" => (NpyKind.Bool, 1),
            _ => throw new FoveaFormatException($"{what}: unsupported dtype '{descr}' (supported: {Supported})."),
        };
        if (order == '|' && size > 1)
            throw new FoveaFormatException($"{what}: dtype '{descr}' has no byte order ('<' or '>') for a {size}-byte type.");
        bool big = order == '>' || (order == '=' && !BitConverter.IsLittleEndian);
        return (kind, size, big);
    }

    /// <summary>The header text NumPy writes for a C-order little-endian float32 array of these sizes.</summary>
    public static string Format(ReadOnlySpan<int> dims)
    {
        var sb = new StringBuilder("{'descr': '<f4', 'fortran_order': False, 'shape': (");
        for (int i = 0; i < dims.Length; i++)
        {
            if (i > 0) sb.Append(", ");
            sb.Append(dims[i].ToString(CultureInfo.InvariantCulture));
        }
        if (dims.Length == 1) sb.Append(',');
        sb.Append("), }");
        return sb.ToString();
    }

    static string FormatShape(List<long> s) => "(" + string.Join(", ", s) + (s.Count == 1 ? ",)" : ")");
    internal static string Clip(string s) => s.Length <= 120 ? s : s[..120] + "...";

    /// <summary>A minimal reader for the Python literals an NPY header holds: strings, booleans, tuples of integers.</summary>
    struct Parser(string text, string what)
    {
        int _pos;

        public readonly bool AtEnd => _pos >= text.Length;
        public readonly char Peek => _pos < text.Length ? text[_pos] : '\0';

        public void SkipWs()
        {
            while (_pos < text.Length && text[_pos] is ' ' or '\t' or '\n' or '\r') _pos++;
        }

        public bool TryTake(char c)
        {
            SkipWs();
            if (_pos < text.Length && text[_pos] == c) { _pos++; return true; }
            return false;
        }

        public void Expect(char c)
        {
            if (!TryTake(c)) throw Fail($"expected '{c}'");
        }

        public readonly FoveaFormatException Fail(string problem)
            => new($"{what}: malformed header ({problem} at character {_pos}): {Clip(text)}");

        public string ReadString()
        {
            SkipWs();
            char q = Peek;
            if (q is not ('\'' or '"')) throw Fail("expected a quoted string");
            int end = text.IndexOf(q, _pos + 1);
            if (end < 0) throw Fail("unterminated string");
            string s = text[(_pos + 1)..end];
            if (s.Contains('\\')) throw Fail("escape sequences are not supported in header strings");
            _pos = end + 1;
            return s;
        }

        public bool ReadBool()
        {
            SkipWs();
            if (text.AsSpan(_pos).StartsWith("True")) { _pos += 4; return true; }
            if (text.AsSpan(_pos).StartsWith("False")) { _pos += 5; return false; }
            throw Fail("expected True or False");
        }

        public List<long> ReadIntTuple()
        {
            Expect('(');
            var list = new List<long>();
            while (true)
            {
                if (TryTake(')')) break;
                list.Add(ReadInt());
                if (list.Count > 64) throw Fail("more than 64 dimensions");
                if (TryTake(',')) continue;
                Expect(')');
                break;
            }
            return list;
        }

        long ReadInt()
        {
            SkipWs();
            bool neg = false;
            if (Peek == '-') { neg = true; _pos++; }
            int start = _pos;
            long v = 0;
            while (_pos < text.Length && char.IsAsciiDigit(text[_pos]))
            {
                int digit = text[_pos] - '0';
                // saturate far above int.MaxValue: the caller reports "too large" with the dimension
                v = v > long.MaxValue / 20 ? long.MaxValue / 2 : v * 10 + digit;
                _pos++;
            }
            if (_pos == start) throw Fail("expected an integer");
            if (Peek == 'L') _pos++; // Python 2 long literal
            return neg ? -v : v;
        }
    }
}
