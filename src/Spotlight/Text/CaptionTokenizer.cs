using System.Globalization;
using System.Text;

namespace Spotlight.Text;

/// <summary>
/// Splits caption text into lowercase word tokens. Rules, in order:
/// the text is Unicode-normalised (NFC, so a decomposed "café" equals the composed one) and lowercased (invariant
/// culture); a word is a run of letters, digits and combining marks, in any script; an apostrophe or hyphen between two
/// word characters stays inside the word ("don't", "t-shirt"), as does a dot or comma between two digits ("3.5");
/// curly apostrophes count as straight ones. Everything else separates words. Punctuation is dropped, because captions
/// are scored on words (COCO's evaluation strips it too); pass keepPunctuation to get each symbol as its own token.
/// </summary>
public static class CaptionTokenizer
{
    public static IReadOnlyList<string> Tokenize(string text, bool keepPunctuation = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        var s = text.Normalize(NormalizationForm.FormC).ToLowerInvariant().Replace('\u2019', '\'');
        var tokens = new List<string>();
        var word = new StringBuilder();
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            if (IsWordChar(s, i))
            {
                word.Append(c);
                if (char.IsHighSurrogate(c) && i + 1 < s.Length) word.Append(s[++i]);
                continue;
            }
            if (word.Length > 0 && IsJoiner(s, i))
            {
                word.Append(c);
                continue;
            }
            Flush(word, tokens);
            if (keepPunctuation && !char.IsWhiteSpace(c) && !char.IsControl(c)) tokens.Add(c.ToString());
        }
        Flush(word, tokens);
        return tokens;
    }

    private static bool IsWordChar(string s, int i)
    {
        var category = CharUnicodeInfo.GetUnicodeCategory(s, i);
        return category is UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
            or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter or UnicodeCategory.DecimalDigitNumber
            or UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark;
    }

    /// <summary>Apostrophe/hyphen between word characters, or dot/comma between digits.</summary>
    private static bool IsJoiner(string s, int i)
    {
        if (i + 1 >= s.Length || !IsWordChar(s, i + 1)) return false;
        char c = s[i];
        if (c is '\'' or '-') return true;
        return c is '.' or ',' && char.IsDigit(s[i - 1]) && char.IsDigit(s[i + 1]);
    }

    private static void Flush(StringBuilder word, List<string> tokens)
    {
        if (word.Length == 0) return;
        tokens.Add(word.ToString());
        word.Clear();
    }
}
