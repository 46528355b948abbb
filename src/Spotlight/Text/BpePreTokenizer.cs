using System.Globalization;
using System.Text;

namespace Spotlight.Text;

/// <summary>
/// Splits text into the units BPE merges within ("words"), losslessly. A word is a run of letters, marks and digits,
/// or a single other character (punctuation, symbols, tabs); a space (U+0020) becomes the marker ▁ (U+2581) glued to
/// the front of the word that follows it, or a word of its own when no word follows (a second space, a trailing one).
/// Concatenating the words and turning ▁ back into spaces gives the text back exactly; the one character that does
/// not survive is ▁ itself in the input, which comes back as a space.
/// </summary>
public static class BpePreTokenizer
{
    /// <summary>The space marker (as in SentencePiece): U+2581 LOWER ONE EIGHTH BLOCK.</summary>
    public const string SpaceMarker = "\u2581";

    /// <summary>Words of <paramref name="text"/>, in order: "Hi, you" → ["Hi", ",", "▁you"].</summary>
    public static List<string> Split(string text)
    {
        var words = new List<string>();
        var current = new StringBuilder();
        bool inRun = false, pendingSpace = false;

        void Flush()
        {
            if (current.Length > 0) words.Add(current.ToString());
            current.Clear();
            inRun = false;
        }

        foreach (var rune in text.EnumerateRunes())
        {
            if (rune.Value == ' ')
            {
                Flush();
                if (pendingSpace) words.Add(SpaceMarker);   // a space with no word after it stands alone
                pendingSpace = true;
                continue;
            }
            bool wordChar = IsWordChar(rune);
            if (!(wordChar && inRun))
            {
                Flush();
                if (pendingSpace) current.Append(SpaceMarker);
                pendingSpace = false;
                inRun = wordChar;
            }
            current.Append(rune.ToString());
        }
        Flush();
        if (pendingSpace) words.Add(SpaceMarker);
        return words;
    }

    /// <summary>The inverse of <see cref="Split"/>: concatenation with ▁ read as a space.</summary>
    public static string Join(IEnumerable<string> pieces)
    {
        var text = new StringBuilder();
        foreach (var piece in pieces) text.Append(piece);
        return text.Replace(SpaceMarker, " ").ToString();
    }

    /// <summary>The characters a word is made of before any merge: its runes (a surrogate pair stays one symbol).</summary>
    public static List<string> Symbols(string word)
    {
        var symbols = new List<string>(word.Length);
        foreach (var rune in word.EnumerateRunes()) symbols.Add(rune.ToString());
        return symbols;
    }

    private static bool IsWordChar(Rune rune) => Rune.GetUnicodeCategory(rune) switch
    {
        UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
            or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter
            or UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark
            or UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber => true,
        _ => false,
    };
}
