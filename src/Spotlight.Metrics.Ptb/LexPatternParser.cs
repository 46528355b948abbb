using System.Globalization;

namespace Spotlight.Metrics.Ptb;

/// <summary>
/// Parses the JFlex dialect of regular expressions the PTB grammar is written in: <c>{MACRO}</c> references,
/// classes with ranges and <c>[:letter:]</c>/<c>[:digit:]</c>/<c>[:uppercase:]</c>, <c>[^]</c> for any unit,
/// <c>* + ? {n} {n,m}</c>, <c>\uXXXX</c> escapes. The scanner is caseless: a letter written outside a class
/// matches either case, a letter inside a class only as written (JFlex's rule, which the grammar relies on:
/// <c>[A]bout</c> matches "About" and "ABOUT" but not "about").
/// </summary>
internal sealed class LexPatternParser
{
    private readonly LexCharSets sets;
    private readonly IReadOnlyDictionary<string, LexNode> macros;
    private string text = "";
    private int pos;

    public LexPatternParser(LexCharSets sets, IReadOnlyDictionary<string, LexNode> macros)
    {
        this.sets = sets;
        this.macros = macros;
    }

    public LexNode Parse(string pattern)
    {
        text = pattern;
        pos = 0;
        var node = ParseChoice();
        if (pos != text.Length) throw Error("unexpected character");
        return node;
    }

    private LexNode ParseChoice()
    {
        var options = new List<LexNode> { ParseSequence() };
        while (Peek('|'))
        {
            pos++;
            options.Add(ParseSequence());
        }
        return options.Count == 1 ? options[0] : new LexNode.Choice(options);
    }

    private LexNode ParseSequence()
    {
        var parts = new List<LexNode>();
        while (pos < text.Length && text[pos] != '|' && text[pos] != ')') parts.Add(ParseRepeat());
        return parts.Count == 1 ? parts[0] : new LexNode.Sequence(parts);
    }

    private LexNode ParseRepeat()
    {
        var node = ParseAtom();
        while (pos < text.Length)
        {
            var c = text[pos];
            if (c == '*') { pos++; node = new LexNode.Repeat(node, 0, -1); }
            else if (c == '+') { pos++; node = new LexNode.Repeat(node, 1, -1); }
            else if (c == '?') { pos++; node = new LexNode.Repeat(node, 0, 1); }
            else if (c == '{' && pos + 1 < text.Length && char.IsAsciiDigit(text[pos + 1]))
            {
                var close = text.IndexOf('}', pos);
                var bounds = text[(pos + 1)..close].Split(',');
                var min = int.Parse(bounds[0], CultureInfo.InvariantCulture);
                var max = bounds.Length == 1 ? min : int.Parse(bounds[1], CultureInfo.InvariantCulture);
                pos = close + 1;
                node = new LexNode.Repeat(node, min, max);
            }
            else break;
        }
        return node;
    }

    private LexNode ParseAtom()
    {
        var c = text[pos];
        switch (c)
        {
            case '(':
                pos++;
                var inner = ParseChoice();
                Expect(')');
                return inner;
            case '[':
                return new LexNode.Chars(sets.Intern(ParseClass()));
            case '{':
                var close = text.IndexOf('}', pos);
                var name = text[(pos + 1)..close];
                pos = close + 1;
                return macros.TryGetValue(name, out var macro) ? macro : throw Error($"unknown macro {name}");
            case '\\':
                pos++;
                return Literal(ParseEscape());
            default:
                pos++;
                return Literal(c);
        }
    }

    private LexNode Literal(char c)
    {
        var upper = char.ToUpperInvariant(c);
        var lower = char.ToLowerInvariant(c);
        return new LexNode.Chars(sets.Intern(LexCharSet.Of(c, upper, lower)));
    }

    private LexCharSet ParseClass()
    {
        Expect('[');
        if (IsNamedClassAt(pos))
        {
            var end = text.IndexOf(":]", pos + 1, StringComparison.Ordinal);
            var name = text[(pos + 1)..end];
            pos = end + 2;
            return sets.Named(name);
        }
        var negate = Peek('^');
        if (negate) pos++;
        var set = new LexCharSet();
        while (!Peek(']'))
        {
            if (Peek('[') && IsNamedClassAt(pos + 1))
            {
                set.UnionWith(ParseClass());
                continue;
            }
            var from = NextClassChar();
            if (Peek('-') && pos + 1 < text.Length && text[pos + 1] != ']')
            {
                pos++;
                set.AddRange(from, NextClassChar());
            }
            else set.Add(from);
        }
        pos++;
        return negate ? set.Complement() : set;
    }

    /// <summary>"[:letter:]" names a class; "[:;=]" is a class holding ':', ';' and '='.</summary>
    private bool IsNamedClassAt(int at)
    {
        if (at >= text.Length || text[at] != ':') return false;
        var i = at + 1;
        while (i < text.Length && char.IsAsciiLetterLower(text[i])) i++;
        return i > at + 1 && text.AsSpan(i).StartsWith(":]");
    }

    private char NextClassChar()
    {
        var c = text[pos++];
        return c == '\\' ? ParseEscape() : c;
    }

    private char ParseEscape()
    {
        var c = text[pos++];
        switch (c)
        {
            case 'u':
                pos += 4;
                return (char)int.Parse(text.AsSpan(pos - 4, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            case 'x':
                pos += 2;
                return (char)int.Parse(text.AsSpan(pos - 2, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            case 't': return '\t';
            case 'n': return '\n';
            case 'r': return '\r';
            case 'f': return '\f';
            case '0': return '\0';
            default: return c;
        }
    }

    private bool Peek(char c) => pos < text.Length && text[pos] == c;

    private void Expect(char c)
    {
        if (!Peek(c)) throw Error($"expected '{c}'");
        pos++;
    }

    private InvalidOperationException Error(string problem) =>
        new($"PTB grammar pattern '{text}' at {pos}: {problem}");
}
