namespace Spotlight.Captioning;

/// <summary>
/// How often a caption's gender, colour and number words agree with the references. A mention is <b>supported</b> when
/// a reference names the same class ("man" ~ "boy"; "grey" ~ "gray"), and <b>contradicted</b> when none does but one
/// names another class of the kind ("a man" where the references say "a woman"). <c>Human…</c> is the same measure for
/// the first reference against the others, and the captioner is then scored against those same others, so the two
/// columns compare like with like.
/// </summary>
public sealed record AttributeAgreement(string Kind, int Mentions, double Supported, double Contradicted,
    int HumanMentions, double HumanSupported, double HumanContradicted);

public static class AttributeWords
{
    // Each word's class within its kind.
    private static readonly Dictionary<string, (string Kind, string Class)> Classes = Build();

    private static Dictionary<string, (string Kind, string Class)> Build()
    {
        var map = new Dictionary<string, (string, string)>(StringComparer.Ordinal);
        foreach (var w in "man men boy boys guy guys gentleman gentlemen male".Split(' ')) map[w] = ("gender", "male");
        foreach (var w in "woman women girl girls lady ladies female".Split(' ')) map[w] = ("gender", "female");
        foreach (var w in "black white brown red blue green yellow orange pink purple tan".Split(' ')) map[w] = ("colour", w);
        map["gray"] = map["grey"] = ("colour", "grey");
        string[] numbers = ["two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"];
        for (int i = 0; i < numbers.Length; i++) map[numbers[i]] = map[(i + 2).ToString(System.Globalization.CultureInfo.InvariantCulture)] = ("number", numbers[i]);
        return map;
    }

    public static readonly IReadOnlyList<string> Kinds = ["gender", "colour", "number"];

    /// <summary>Per kind, the captioner's agreement and a held-out reference's, over images with two or more references.</summary>
    public static IReadOnlyList<AttributeAgreement> Measure(IEnumerable<(IReadOnlyList<string> Caption, IReadOnlyList<string> References)> items)
    {
        var model = Kinds.ToDictionary(k => k, _ => new Tally());
        var human = Kinds.ToDictionary(k => k, _ => new Tally());
        foreach (var (caption, references) in items)
        {
            if (references.Count < 2) continue;
            var others = references.Skip(1).Select(r => Mentioned(Words(r))).ToList();
            Count(model, Mentioned(caption.Select(w => w.ToLowerInvariant())), others);
            Count(human, Mentioned(Words(references[0])), others);
        }
        return [.. Kinds.Select(k => new AttributeAgreement(k, model[k].Mentions, model[k].Rate(model[k].Supported), model[k].Rate(model[k].Contradicted),
            human[k].Mentions, human[k].Rate(human[k].Supported), human[k].Rate(human[k].Contradicted)))];
    }

    private static IEnumerable<string> Words(string text) =>
        text.ToLowerInvariant().Split((char[])[' ', '.', ',', ';', ':', '!', '?', '"', '\'', '(', ')', '-', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries);

    private static HashSet<(string Kind, string Class)> Mentioned(IEnumerable<string> words) =>
        [.. words.Where(Classes.ContainsKey).Select(w => Classes[w])];

    private static void Count(Dictionary<string, Tally> tallies, HashSet<(string Kind, string Class)> mentions, List<HashSet<(string Kind, string Class)>> references)
    {
        foreach (var m in mentions)
        {
            var t = tallies[m.Kind];
            t.Mentions++;
            if (references.Any(r => r.Contains(m))) t.Supported++;
            else if (references.Any(r => r.Any(x => x.Kind == m.Kind))) t.Contradicted++;
        }
    }

    private sealed class Tally
    {
        public int Mentions, Supported, Contradicted;
        public double Rate(int count) => Mentions == 0 ? double.NaN : count / (double)Mentions;
    }
}
