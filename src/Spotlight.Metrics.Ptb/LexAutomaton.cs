namespace Spotlight.Metrics.Ptb;

/// <summary>
/// Rules compiled to one nondeterministic automaton (Thompson's construction), run as a deterministic one whose
/// states are built the first time they are reached (so an instance is not thread-safe: callers serialize). <see cref="LongestMatch"/> gives JFlex's choice: the longest
/// text any rule matches from a position, and among rules matching that much, the first one written.
/// </summary>
internal sealed class LexAutomaton
{
    private const int Unknown = -2, Dead = -1;

    private readonly LexCharSets sets;
    private readonly List<List<int>> epsilon = [];
    private readonly List<int> edgeSet = [];    // set id of the state's one character edge, or -1
    private readonly List<int> edgeTarget = [];
    private readonly List<int> acceptRule = []; // rule index accepted in this state, or -1

    private readonly Dictionary<string, int> dfaByKey = new(StringComparer.Ordinal);
    private readonly List<int[]> dfaMembers = [];
    private readonly List<int[]> dfaNext = [];
    private readonly List<int> dfaAccept = [];
    private readonly int start;

    public LexAutomaton(LexCharSets sets, IReadOnlyList<LexNode> rules)
    {
        this.sets = sets;
        var starts = new List<int>();
        for (var i = 0; i < rules.Count; i++)
        {
            var (s, e) = Compile(rules[i]);
            acceptRule[e] = i;
            starts.Add(s);
        }
        start = Intern(Closure(starts));
    }

    /// <summary>End (exclusive) of the longest match starting at <paramref name="from"/>, or -1; and its rule.</summary>
    public int LongestMatch(string s, int from, int to, out int rule)
    {
        rule = -1;
        var end = -1;
        var state = start;
        for (var i = from; ; i++)
        {
            var accepted = dfaAccept[state];
            if (accepted >= 0)
            {
                end = i;
                rule = accepted;
            }
            if (i == to) break;
            state = Step(state, s[i]);
            if (state == Dead) break;
        }
        return end;
    }

    /// <summary>Whether the whole of s[from..to) is matched (by any rule).</summary>
    public bool MatchesExactly(string s, int from, int to)
    {
        var state = start;
        for (var i = from; i < to && state != Dead; i++) state = Step(state, s[i]);
        return state != Dead && dfaAccept[state] >= 0;
    }

    /// <summary>Sets ends[q - from] when s[from..q) is matched, for every q in [from, to].</summary>
    public void MarkPrefixEnds(string s, int from, int to, bool[] ends)
    {
        var state = start;
        for (var i = from; ; i++)
        {
            ends[i - from] = dfaAccept[state] >= 0;
            if (i == to) return;
            state = Step(state, s[i]);
            if (state == Dead)
            {
                Array.Clear(ends, i + 1 - from, to - i);
                return;
            }
        }
    }

    private int Step(int state, char c)
    {
        var cls = sets.ClassOf(c);
        var next = dfaNext[state][cls];
        if (next != Unknown) return next;
        var rep = sets.Representative(cls);
        var moved = new List<int>();
        foreach (var nfa in dfaMembers[state])
            if (edgeSet[nfa] >= 0 && sets[edgeSet[nfa]].Contains(rep)) moved.Add(edgeTarget[nfa]);
        next = moved.Count == 0 ? Dead : Intern(Closure(moved));
        dfaNext[state][cls] = next;
        return next;
    }

    private int Intern(int[] members)
    {
        var key = string.Join(',', members);
        if (dfaByKey.TryGetValue(key, out var id)) return id;
        var accept = -1;
        foreach (var m in members)
            if (acceptRule[m] >= 0 && (accept < 0 || acceptRule[m] < accept)) accept = acceptRule[m];
        var row = new int[sets.ClassCount];
        Array.Fill(row, Unknown);
        dfaMembers.Add(members);
        dfaAccept.Add(accept);
        dfaNext.Add(row);
        dfaByKey[key] = dfaMembers.Count - 1;
        return dfaMembers.Count - 1;
    }

    private int[] Closure(IEnumerable<int> seeds)
    {
        var seen = new HashSet<int>();
        var stack = new Stack<int>(seeds);
        while (stack.Count > 0)
        {
            var s = stack.Pop();
            if (!seen.Add(s)) continue;
            foreach (var t in epsilon[s]) stack.Push(t);
        }
        // Only states with a character edge or an accept matter for what comes next; dropping the rest merges
        // states that differ only in their epsilon paths.
        return seen.Where(s => edgeSet[s] >= 0 || acceptRule[s] >= 0).Order().ToArray();
    }

    private int NewState()
    {
        epsilon.Add([]);
        edgeSet.Add(-1);
        edgeTarget.Add(-1);
        acceptRule.Add(-1);
        return epsilon.Count - 1;
    }

    private (int Start, int End) Compile(LexNode node)
    {
        switch (node)
        {
            case LexNode.Chars chars:
            {
                int s = NewState(), e = NewState();
                edgeSet[s] = chars.SetId;
                edgeTarget[s] = e;
                return (s, e);
            }
            case LexNode.Sequence seq:
            {
                int s = NewState(), e = s;
                foreach (var part in seq.Parts)
                {
                    var (ps, pe) = Compile(part);
                    epsilon[e].Add(ps);
                    e = pe;
                }
                return (s, e);
            }
            case LexNode.Choice choice:
            {
                int s = NewState(), e = NewState();
                foreach (var option in choice.Options)
                {
                    var (os, oe) = Compile(option);
                    epsilon[s].Add(os);
                    epsilon[oe].Add(e);
                }
                return (s, e);
            }
            case LexNode.Repeat rep:
            {
                int s = NewState(), e = s;
                for (var i = 0; i < rep.Min; i++)
                {
                    var (bs, be) = Compile(rep.Body);
                    epsilon[e].Add(bs);
                    e = be;
                }
                if (rep.Max < 0)
                {
                    var (bs, be) = Compile(rep.Body);
                    var exit = NewState();
                    epsilon[e].Add(bs);
                    epsilon[e].Add(exit);
                    epsilon[be].Add(bs);
                    epsilon[be].Add(exit);
                    return (s, exit);
                }
                var end = NewState();
                epsilon[e].Add(end);
                for (var i = rep.Min; i < rep.Max; i++)
                {
                    var (bs, be) = Compile(rep.Body);
                    epsilon[e].Add(bs);
                    epsilon[be].Add(end);
                    e = be;
                }
                return (s, end);
            }
            default:
                throw new InvalidOperationException($"unknown pattern node {node}");
        }
    }
}
