namespace Spotlight.Text;

/// <summary>Caption text to word ids under a <see cref="TextConfig"/>: tokenize, map, keep the first MaxLength words.</summary>
public static class CaptionEncoding
{
    public static int[] Encode(string caption, Vocabulary vocabulary, TextConfig config)
    {
        var tokens = CaptionTokenizer.Tokenize(caption);
        var ids = vocabulary.Encode(tokens);
        return ids.Length <= config.MaxLength ? ids : ids[..config.MaxLength];
    }

    /// <summary>Builds a vocabulary from caption texts (normally the training split only).</summary>
    public static Vocabulary BuildVocabulary(IEnumerable<string> captions, TextConfig config) =>
        Vocabulary.Build(captions.Select(c => CaptionTokenizer.Tokenize(c)), config.MinCount);
}
