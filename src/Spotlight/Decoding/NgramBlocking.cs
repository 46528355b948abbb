namespace Spotlight.Decoding;

/// <summary>
/// No-repeat-n-gram blocking (Paulus et al. 2017; the rule of OpenNMT's and Hugging Face's block_ngram_repeat):
/// after tokens y₁..y_t, token x is blocked when (y_{t−n+2}, …, y_t, x) already occurs among the generated tokens.
/// Only generated tokens count, not &lt;start&gt;.
/// </summary>
internal static class NgramBlocking
{
    /// <summary>The tokens that may not follow <paramref name="path"/>.</summary>
    public static IEnumerable<int> Blocked(PathNode? path, int n)
    {
        var tokens = PathNode.TokensOf(path);
        if (n == 1)
        {
            foreach (var token in tokens.Distinct()) yield return token;
            yield break;
        }
        var prefixLength = n - 1;
        if (tokens.Length < prefixLength) yield break;
        var prefix = tokens.AsSpan(tokens.Length - prefixLength).ToArray();
        for (var start = 0; start + n <= tokens.Length; start++)
        {
            if (tokens.AsSpan(start, prefixLength).SequenceEqual(prefix)) yield return tokens[start + prefixLength];
        }
    }
}
