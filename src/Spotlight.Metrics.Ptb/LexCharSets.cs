namespace Spotlight.Metrics.Ptb;

/// <summary>
/// Every character set the grammar uses, interned, and the partition of all code units into classes that no set
/// tells apart: the automaton's transitions are indexed by class, so a table row has a few hundred entries, not 65,536.
/// </summary>
internal sealed class LexCharSets
{
    private readonly List<LexCharSet> all = [];
    private readonly Dictionary<string, int> byKey = new(StringComparer.Ordinal);
    private ushort[]? classOf;
    private char[]? representatives;

    public int Intern(LexCharSet set)
    {
        var key = set.Key();
        if (byKey.TryGetValue(key, out var id)) return id;
        if (classOf != null) throw new InvalidOperationException("character classes are already computed");
        all.Add(set);
        byKey[key] = all.Count - 1;
        return all.Count - 1;
    }

    public LexCharSet this[int id] => all[id];

    public LexCharSet Named(string name) => name switch
    {
        "letter" => PtbCharacters.Letter,
        "digit" => PtbCharacters.Digit,
        "uppercase" => PtbCharacters.Uppercase,
        _ => throw new InvalidOperationException($"unknown character class [:{name}:]"),
    };

    public int ClassCount { get; private set; }

    public int ClassOf(char c) => classOf![c];

    /// <summary>One member of a class: every set treats all members of a class alike, so it stands for them all.</summary>
    public char Representative(int classId) => representatives![classId];

    /// <summary>Refines the partition by one set at a time: two units share a class iff every set holds both or neither.</summary>
    public void Freeze()
    {
        var classes = new ushort[char.MaxValue + 1];
        var count = 1;
        foreach (var set in all)
        {
            var inside = new int[count];
            var outside = new int[count];
            Array.Fill(inside, -1);
            Array.Fill(outside, -1);
            var next = 0;
            for (var c = 0; c <= char.MaxValue; c++)
            {
                var table = set.Contains((char)c) ? inside : outside;
                var old = classes[c];
                if (table[old] < 0) table[old] = next++;
                classes[c] = (ushort)table[old];
            }
            count = next;
        }
        var reps = new char[count];
        for (int c = char.MaxValue; c >= 0; c--) reps[classes[c]] = (char)c;
        classOf = classes;
        representatives = reps;
        ClassCount = count;
    }
}
