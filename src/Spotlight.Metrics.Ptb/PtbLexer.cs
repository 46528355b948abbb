namespace Spotlight.Metrics.Ptb;

/// <summary>
/// Scans text with <see cref="PtbGrammar"/>: at each position the longest match of any rule (ties to the earlier
/// rule) becomes a token by the rule's action; a unit no rule matches is dropped (CoreNLP's default,
/// "untokenizable: firstDelete", which only logs the first). The automata are built once, on first use.
/// </summary>
internal sealed class PtbLexer
{
    private static readonly Lazy<PtbLexer> SharedLexer = new(() => new PtbLexer(), LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly LexAutomaton all;           // rule i matches its pattern followed by its lookahead
    private readonly LexAutomaton?[] heads;      // for a rule with lookahead: its pattern alone
    private readonly LexAutomaton?[] tails;      // ... and its lookahead alone
    private readonly object gate = new();

    public static PtbLexer Shared => SharedLexer.Value;

    private PtbLexer()
    {
        var sets = new LexCharSets();
        var macros = new Dictionary<string, LexNode>(StringComparer.Ordinal);
        var parser = new LexPatternParser(sets, macros);
        foreach (var (name, pattern) in PtbGrammar.Macros) macros[name] = parser.Parse(pattern);

        var rules = PtbGrammar.Rules;
        var whole = new List<LexNode>();
        var headNodes = new LexNode?[rules.Length];
        var tailNodes = new LexNode?[rules.Length];
        for (var i = 0; i < rules.Length; i++)
        {
            var head = parser.Parse(rules[i].Pattern);
            if (rules[i].Lookahead is { } lookahead)
            {
                var tail = parser.Parse(lookahead);
                headNodes[i] = head;
                tailNodes[i] = tail;
                whole.Add(new LexNode.Sequence([head, tail]));
            }
            else whole.Add(head);
        }
        sets.Freeze();
        all = new LexAutomaton(sets, whole);
        heads = headNodes.Select(n => n is null ? null : new LexAutomaton(sets, [n])).ToArray();
        tails = tailNodes.Select(n => n is null ? null : new LexAutomaton(sets, [n])).ToArray();
    }

    /// <summary>The tokens of <paramref name="text"/> in order; null marks a line break.</summary>
    public List<string?> Scan(string text)
    {
        lock (gate) return ScanUnsafe(text);
    }

    private List<string?> ScanUnsafe(string text)
    {
        var tokens = new List<string?>();
        var pos = 0;
        while (pos < text.Length)
        {
            var end = all.LongestMatch(text, pos, text.Length, out var ruleIndex);
            if (end <= pos)
            {
                pos++; // untokenizable: deleted
                continue;
            }
            var rule = PtbGrammar.Rules[ruleIndex];
            if (rule.Lookahead != null) end = SplitAtLookahead(ruleIndex, text, pos, end);
            var matched = text[pos..end];
            var consumed = matched.Length;
            switch (rule.Action)
            {
                case PtbAction.Keep: tokens.Add(matched); break;
                case PtbAction.Skip: break;
                case PtbAction.Replace: tokens.Add(rule.Text!); break;
                case PtbAction.PushBack:
                    consumed -= rule.Count;
                    tokens.Add(matched[..consumed]);
                    break;
                case PtbAction.SpacesToNbsp: tokens.Add(matched.Replace(' ', '\u00A0')); break;
                case PtbAction.NormalizeAmp: tokens.Add(PtbNormalizer.Ampersands(matched)); break;
                case PtbAction.RemoveSoftHyphens: tokens.Add(PtbNormalizer.RemoveSoftHyphens(matched)); break;
                case PtbAction.NormalizeFractions: tokens.Add(PtbNormalizer.Fractions(matched)); break;
                case PtbAction.NormalizeCurrency: tokens.Add(PtbNormalizer.Currency(matched)); break;
                case PtbAction.OpeningQuote: tokens.Add(PtbNormalizer.LatexQuotes(matched, opening: true)); break;
                case PtbAction.ClosingQuote: tokens.Add(PtbNormalizer.LatexQuotes(matched, opening: false)); break;
                case PtbAction.Phone: tokens.Add(PtbNormalizer.Parentheses(matched.Replace(' ', '\u00A0'))); break;
                case PtbAction.Parentheses: tokens.Add(PtbNormalizer.Parentheses(matched)); break;
                case PtbAction.Hyphens: tokens.Add(matched.Length is 3 or 4 ? "--" : matched); break;
                case PtbAction.AcronymBeforeSentence:
                    // "I." gives "I"; "U.S." gives "U.S."; either way the period is scanned again as a sentence end.
                    consumed = matched.Length == 2 ? 1 : matched.Length - 1;
                    tokens.Add(matched.Length == 2 ? matched[..1] : matched);
                    break;
                case PtbAction.KeepAndRepeatPeriod:
                    consumed = matched.Length - 1;
                    tokens.Add(matched);
                    break;
                case PtbAction.Newline: tokens.Add(null); break;
                default: throw new InvalidOperationException($"unhandled action {rule.Action}");
            }
            pos += consumed;
        }
        return tokens;
    }

    /// <summary>
    /// Where the token ends inside a match of "pattern/lookahead": JFlex takes the longest pattern part whose
    /// remainder the lookahead matches.
    /// </summary>
    private int SplitAtLookahead(int rule, string text, int start, int end)
    {
        var headEnds = new bool[end - start + 1];
        heads[rule]!.MarkPrefixEnds(text, start, end, headEnds);
        for (var q = end; q > start; q--)
            if (headEnds[q - start] && tails[rule]!.MatchesExactly(text, q, end)) return q;
        return end;
    }
}
