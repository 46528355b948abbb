namespace Spotlight.Server;

/// <summary>
/// Checks of one text field of a request (a sentence to translate, a question …): present, not blank, within a
/// length limit, and well-formed UTF-16 (a lone surrogate cannot be tokenized). Each refusal names the field.
/// </summary>
public static class TextFields
{
    /// <summary>
    /// The text, or a <paramref name="kind"/> problem (e.g. <see cref="Problems.BadText"/>) naming the field as the client
    /// wrote it (<paramref name="where"/>, e.g. <c>"texts"[2]</c>).
    /// </summary>
    public static string Check(string? text, string where, int maxChars, ProblemKind kind)
    {
        if (text is null) throw new ProblemException(kind, $"{where} is null");
        if (string.IsNullOrWhiteSpace(text)) throw new ProblemException(kind, $"{where} is empty");
        if (text.Length > maxChars) throw new ProblemException(kind, $"{where} has {text.Length} characters; the limit is {maxChars}");
        if (!IsWellFormed(text)) throw new ProblemException(kind, $"{where} holds an unpaired UTF-16 surrogate");
        return text;
    }

    /// <summary>True when every surrogate is part of a high-low pair.</summary>
    public static bool IsWellFormed(string text)
    {
        for (int i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) i++;
            else if (char.IsSurrogate(text[i])) return false;
        }
        return true;
    }
}
