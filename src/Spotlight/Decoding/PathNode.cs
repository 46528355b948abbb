namespace Spotlight.Decoding;

/// <summary>
/// One generated token and the path that led to it: an immutable linked list, so a beam that is kept by several
/// successors shares its prefix, and reordering beams costs one pointer per row. Following Parent is following the
/// beam back-pointers, which is how tokens and attention of a hypothesis are gathered.
/// </summary>
internal sealed class PathNode
{
    public PathNode(int token, float[]? attention, PathNode? parent)
    {
        Token = token;
        Attention = attention;
        Parent = parent;
        Length = (parent?.Length ?? 0) + 1;
    }

    public int Token { get; }
    public float[]? Attention { get; }      // (sources) weights of the step that produced Token
    public PathNode? Parent { get; }
    public int Length { get; }

    /// <summary>Tokens from the first generated one to this one.</summary>
    public static int[] TokensOf(PathNode? node)
    {
        var tokens = new int[node?.Length ?? 0];
        for (var n = node; n is not null; n = n.Parent) tokens[n.Length - 1] = n.Token;
        return tokens;
    }

    /// <summary>Attention rows from the first generated token to this one; null when steps returned none.</summary>
    public static float[][]? AttentionOf(PathNode? node)
    {
        if (node?.Attention is null) return null;
        var rows = new float[node.Length][];
        for (var n = node; n is not null; n = n.Parent) rows[n.Length - 1] = n.Attention!;
        return rows;
    }

    /// <summary>
    /// The hypothesis ending at <paramref name="last"/>; when <paramref name="finished"/>, <paramref name="last"/>
    /// is the &lt;end&gt; token, counted in the length and attention but left out of Tokens.
    /// </summary>
    public static Hypothesis ToHypothesis(PathNode? last, double logProb, bool finished, DecodeOptions options,
        bool[]? sourceMask)
    {
        var attention = AttentionOf(last);
        var length = last?.Length ?? 0;
        var tokens = TokensOf(finished ? last!.Parent : last);
        var score = HypothesisScore.Score(options, logProb, Math.Max(length, 1), attention, sourceMask);
        return new Hypothesis(tokens, logProb, score, finished, attention);
    }
}
