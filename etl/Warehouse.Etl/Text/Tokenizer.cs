using System.Globalization;
using System.Text;

namespace Warehouse.Etl.Text;

/// <summary>Kind of a <see cref="Token"/>.</summary>
public enum TokenKind
{
    /// <summary>Letters, digits and inner apostrophes or hyphens ("don't", "e-mail").</summary>
    Word,

    /// <summary>An emoticon such as <c>:)</c> or an emoji.</summary>
    Emoticon,

    /// <summary>Sentence or clause punctuation: <c>. ! ? ; :</c> and <c>,</c>.</summary>
    Punctuation,
}

/// <summary>A token: the lower-case form used for look-ups and the text as written.</summary>
/// <param name="Text">Text as written.</param>
/// <param name="Lower">Lower-case invariant form, typographic apostrophes replaced by <c>'</c>.</param>
/// <param name="Kind">Word, emoticon or punctuation.</param>
public readonly record struct Token(string Text, string Lower, TokenKind Kind)
{
    /// <summary>True for a word written in capitals (two or more letters, no lower-case letter).</summary>
    public bool IsShouted => Kind == TokenKind.Word && Text.Count(char.IsLetter) >= 2 && !Text.Any(char.IsLower);
}

/// <summary>
/// Splits comment text into words, emoticons and punctuation. Unicode letters count as letters, so accented and
/// non-Latin words stay whole; everything else (symbols, URLs' slashes) separates words. O(n).
/// </summary>
public static class Tokenizer
{
    private static readonly string[] Emoticons = [":-)", ":)", ":-(", ":(", ":D", ":-D", ";)", ";-)", ":'(", ":/", ":-/", "<3", ":P", ":p", "xD", "XD"];

    /// <summary>Tokenises <paramref name="text"/>; null or empty gives no tokens.</summary>
    public static List<Token> Tokenize(string? text)
    {
        var tokens = new List<Token>();
        if (string.IsNullOrEmpty(text))
            return tokens;
        var i = 0;
        var word = new StringBuilder();
        while (i < text.Length)
        {
            var c = text[i];
            var emoticon = Emoticons.FirstOrDefault(e => string.CompareOrdinal(text, i, e, 0, e.Length) == 0
                && (i + e.Length == text.Length || !char.IsLetterOrDigit(text[i + e.Length]) || e == "<3"));
            if (emoticon is not null && (i == 0 || !char.IsLetterOrDigit(text[i - 1])))
            {
                tokens.Add(new Token(emoticon, emoticon.ToLowerInvariant(), TokenKind.Emoticon));
                i += emoticon.Length;
                continue;
            }
            if (char.IsLetterOrDigit(c))
            {
                var start = i;
                word.Clear();
                while (i < text.Length)
                {
                    var d = text[i];
                    if (char.IsLetterOrDigit(d) || CharUnicodeInfo.GetUnicodeCategory(d) is UnicodeCategory.NonSpacingMark)
                    {
                        word.Append(d);
                        i++;
                    }
                    else if ((d is '\'' or '\u2019' or '-') && i + 1 < text.Length && char.IsLetterOrDigit(text[i + 1]) && word.Length > 0)
                    {
                        word.Append(d == '\u2019' ? '\'' : d);
                        i++;
                    }
                    else
                    {
                        break;
                    }
                }
                var original = text[start..i];
                tokens.Add(new Token(original, word.ToString().ToLowerInvariant(), TokenKind.Word));
                continue;
            }
            if (char.IsSurrogate(c) || CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.OtherSymbol)
            {
                var length = char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]) ? 2 : 1;
                var symbol = text.Substring(i, length);
                tokens.Add(new Token(symbol, symbol, TokenKind.Emoticon));
                i += length;
                continue;
            }
            if (c is '.' or '!' or '?' or ';' or ':' or ',' or '\u2026')
                tokens.Add(new Token(c.ToString(), c.ToString(), TokenKind.Punctuation));
            i++;
        }
        return tokens;
    }
}
