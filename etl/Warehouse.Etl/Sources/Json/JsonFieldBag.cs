using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace Warehouse.Etl.Sources.Json;

/// <summary>
/// The scalar properties of one JSON record, by schema position. Unknown properties are ignored (formats may
/// grow); a property given twice, or an object/array where a scalar belongs, is a problem of the record.
/// </summary>
internal sealed class JsonFieldBag : FieldSource
{
    private readonly Dictionary<string, int> _lookup;
    private readonly string?[] _values;
    private readonly string?[] _errors;
    private readonly bool[] _seen;
    private readonly Dictionary<string, int> _nameCache = new(StringComparer.Ordinal);

    /// <summary>The reason for bytes that are not UTF-8, worded as the CSV readers word it.</summary>
    internal const string NotUtf8 = "not valid UTF-8 (is the file in another encoding? convert it to UTF-8)";

    public JsonFieldBag(int fieldCount, Dictionary<string, int> lookup)
    {
        _lookup = lookup;
        _values = new string?[fieldCount];
        _errors = new string?[fieldCount];
        _seen = new bool[fieldCount];
    }

    public override string? Get(int index, out string? error)
    {
        error = _errors[index];
        return _values[index];
    }

    /// <summary>Parses one record; false with the property (or null) and reason when it is not a usable JSON object.</summary>
    public bool Load(ReadOnlySpan<byte> json, out string? column, out string? reason)
    {
        Array.Clear(_values);
        Array.Clear(_errors);
        Array.Clear(_seen);
        column = null;
        reason = null;
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 64 });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                reason = "record is not a JSON object";
                return false;
            }
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (!Utf8.IsValid(reader.ValueSpan))
                {
                    // The name itself is unreadable, so no column can be named.
                    reason = "a property name is " + NotUtf8;
                    return false;
                }
                var name = reader.GetString()!;
                reader.Read();
                if (!_nameCache.TryGetValue(name, out var f))
                {
                    f = _lookup.TryGetValue(FieldSpec.Fold(name), out var found) ? found : -1;
                    if (_nameCache.Count < 1024)
                        _nameCache[name] = f; // bounded: hostile files with random property names cannot grow it
                }
                if (f < 0)
                {
                    reader.Skip();
                    continue;
                }
                if (_seen[f])
                {
                    column = name;
                    reason = "property appears twice in the record";
                    return false;
                }
                _seen[f] = true;
                switch (reader.TokenType)
                {
                    case JsonTokenType.String:
                        if (!Utf8.IsValid(reader.ValueSpan))
                        {
                            // Only the value is unreadable: name it as CSV sources name the column (the rest of the record is fine).
                            column = name;
                            reason = NotUtf8;
                            return false;
                        }
                        _values[f] = reader.GetString();
                        break;
                    case JsonTokenType.Number:
                        _values[f] = Encoding.UTF8.GetString(reader.ValueSpan);
                        break;
                    case JsonTokenType.True:
                        _values[f] = "true";
                        break;
                    case JsonTokenType.False:
                        _values[f] = "false";
                        break;
                    case JsonTokenType.Null:
                        break;
                    default:
                        _errors[f] = $"expected a string, number or true/false, found {(reader.TokenType == JsonTokenType.StartObject ? "an object" : "an array")}";
                        reader.Skip();
                        break;
                }
            }
            if (reader.Read())
            {
                reason = "data after the end of the JSON object";
                return false;
            }
            return true;
        }
        catch (JsonException ex)
        {
            reason = Describe(ex);
            return false;
        }
        catch (InvalidOperationException ex)
        {
            reason = "not valid JSON text: " + Shorten(ex.Message);
            return false;
        }
    }

    /// <summary>
    /// "not valid JSON at byte B of the line: what is wrong", from System.Text.Json's message without its trailing
    /// "LineNumber: 0 | BytePositionInLine: 91." (0-based and counted from the record's start, not the file's: the reject's
    /// own line number says where the record is). A record spanning lines (JSON array) also names the line within it.
    /// </summary>
    internal static string Describe(JsonException ex)
    {
        var message = ex.Message;
        var at = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        if (at >= 0)
            message = message[..at];
        message = message.Trim();
        var where = (ex.LineNumber, ex.BytePositionInLine) switch
        {
            ({ } line and > 0, { } b) => $" at line {line + 1} of the record, byte {b + 1}",
            (_, { } b) => $" at byte {b + 1} of the line",
            _ => string.Empty,
        };
        return $"not valid JSON{where}: {Shorten(message)}";
    }

    private static string Shorten(string message) => message.Length <= 300 ? message : message[..300];
}
