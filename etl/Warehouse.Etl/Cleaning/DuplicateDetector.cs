using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Warehouse.Etl.Cleaning;

/// <summary>
/// Finds repeated rows by a key over normalised fields. The key is the first 128 bits of SHA-256 over the fields,
/// each length-prefixed (so ("ab","c") and ("a","bc") differ and a null differs from ""). Memory: 16 bytes plus
/// a dictionary entry per distinct key, independent of row width.
/// </summary>
public sealed class DuplicateDetector
{
    private readonly Dictionary<UInt128, long> _firstLine = [];

    /// <summary>Key of a row: pass the normalised values of the columns that define "the same row".</summary>
    public static UInt128 Key(params ReadOnlySpan<string?> fields)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> prefix = stackalloc byte[4];
        foreach (var field in fields)
        {
            if (field is null)
            {
                BinaryPrimitives.WriteInt32LittleEndian(prefix, -1);
                hash.AppendData(prefix);
                continue;
            }
            var bytes = Encoding.UTF8.GetBytes(field);
            BinaryPrimitives.WriteInt32LittleEndian(prefix, bytes.Length);
            hash.AppendData(prefix);
            hash.AppendData(bytes);
        }
        Span<byte> digest = stackalloc byte[32];
        hash.GetHashAndReset(digest);
        return BinaryPrimitives.ReadUInt128LittleEndian(digest);
    }

    /// <summary>Number of distinct keys seen.</summary>
    public int Count => _firstLine.Count;

    /// <summary>Records a row; returns false with the line of the first occurrence when the key was seen before.</summary>
    public bool TryAdd(UInt128 key, long lineNumber, out long firstLineNumber)
    {
        if (_firstLine.TryGetValue(key, out firstLineNumber))
            return false;
        _firstLine.Add(key, lineNumber);
        firstLineNumber = lineNumber;
        return true;
    }

    /// <summary>Convenience: <see cref="Key"/> then <see cref="TryAdd"/>; the reason names the first line when it is a duplicate.</summary>
    public RuleResult<UInt128> Check(long lineNumber, params ReadOnlySpan<string?> fields)
    {
        var key = Key(fields);
        return TryAdd(key, lineNumber, out var first)
            ? RuleResult<UInt128>.Ok(key)
            : RuleResult<UInt128>.Invalid($"duplicate of line {first}");
    }
}
