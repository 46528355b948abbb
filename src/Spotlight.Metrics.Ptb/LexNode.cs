namespace Spotlight.Metrics.Ptb;

/// <summary>A parsed lexer pattern: a regular expression tree that <see cref="LexAutomaton"/> turns into states.</summary>
internal abstract record LexNode
{
    public sealed record Chars(int SetId) : LexNode;
    public sealed record Sequence(IReadOnlyList<LexNode> Parts) : LexNode;
    public sealed record Choice(IReadOnlyList<LexNode> Options) : LexNode;

    /// <summary>Between Min and Max copies (Max = -1: unbounded).</summary>
    public sealed record Repeat(LexNode Body, int Min, int Max) : LexNode;
}
