using Spotlight.Text;

namespace Spotlight.Tests.Translation;

public class BpeTests
{
    private static readonly string[] Corpus =
    [
        "Two young, White males are outside near many bushes.",
        "Zwei junge weiße Männer sind im Freien in der Nähe vieler Büsche.",
        "Un homme   avec des lunettes\tregarde l'océan — « déjà vu » ?",
        "  leading and trailing spaces  ",
        "emoji 🙂 and CJK 漢字 and combining e\u0301 marks",
    ];

    [Theory]
    [InlineData(0)]
    [InlineData(30)]
    [InlineData(500)]
    public void Encode_then_decode_gives_the_text_back_exactly(int merges)
    {
        var bpe = BpeLearner.Learn(Corpus, merges, minFrequency: 1);
        foreach (var line in Corpus.Append("Männer, bushes — lunettes?").Append(" ").Append(""))
        {
            var ids = bpe.Encode(line);
            Assert.DoesNotContain(Vocabulary.Unknown, ids);
            Assert.Equal(line, bpe.Decode(ids));
        }
    }

    [Fact]
    public void The_pre_tokenizer_splits_punctuation_and_marks_spaces()
    {
        Assert.Equal(["Hi", ",", "▁you", "!"], BpePreTokenizer.Split("Hi, you!"));
        Assert.Equal(["▁a", "▁", "▁b", "▁"], BpePreTokenizer.Split(" a  b "));
        Assert.Equal(["e\u0301t\u00e9", "\t", "x"], BpePreTokenizer.Split("e\u0301t\u00e9\tx"));
        Assert.Equal(["🙂"], BpePreTokenizer.Symbols("🙂"));   // a surrogate pair is one symbol
    }

    [Fact]
    public void Merges_follow_pair_frequency_with_ordinal_tie_breaking()
    {
        // Words: "low", "▁low", "▁lower", once each. Pairs: (l,o) 3, (o,w) 3, (▁,l) 2, (w,e) 1, (e,r) 1.
        // 1: (l,o) and (o,w) tie at 3, "l" < "o" → (l,o).   2: (lo,w) 3.   3: (▁,low) 2.
        // 4: (▁low,e) and (e,r) tie at 1, "e" < "▁low" (U+2581 sorts after ASCII) → (e,r).
        var bpe = BpeLearner.Learn(["low low lower"], merges: 4, minFrequency: 1);
        Assert.Equal([("l", "o"), ("lo", "w"), ("▁", "low"), ("e", "r")], bpe.Merges);
        Assert.Equal(["low", "▁low", "er"], bpe.Segment("low lower"));
        Assert.Equal(["low", "er"], bpe.Segment("lower"));
        Assert.Equal(["o", "w", "l"], bpe.Segment("owl"));   // no merge applies to (o,w) once (l,o) is not there
    }

    [Fact]
    public void Learning_stops_below_the_minimum_frequency()
    {
        var bpe = BpeLearner.Learn(["ab ab cd"], merges: 100, minFrequency: 2);
        Assert.Equal([("a", "b")], bpe.Merges);   // (a,b) ×2; every other pair occurs once
    }

    [Fact]
    public void The_incremental_learner_equals_a_brute_force_one_on_random_text()
    {
        var random = new Random(4);
        for (int trial = 0; trial < 20; trial++)
        {
            var lines = Enumerable.Range(0, 30).Select(_ => new string(Enumerable.Range(0, random.Next(1, 25))
                .Select(_ => "aabbc ,d"[random.Next(8)]).ToArray())).ToList();
            int merges = random.Next(1, 40), minFrequency = random.Next(1, 3);
            Assert.Equal(BruteForce(lines, merges, minFrequency), BpeLearner.Learn(lines, merges, minFrequency).Merges);
        }
    }

    [Fact]
    public void The_json_form_gives_the_same_model_back()
    {
        var bpe = BpeLearner.Learn(Corpus, 200, minFrequency: 1);
        var copy = BpeModel.FromJson(bpe.ToJson(), "test");
        Assert.Equal(bpe.Pieces, copy.Pieces);
        Assert.Equal(bpe.Merges, copy.Merges);
        foreach (var line in Corpus) Assert.Equal(bpe.Encode(line), copy.Encode(line));
    }

    [Fact]
    public void A_character_never_seen_in_training_becomes_unknown()
    {
        var bpe = BpeLearner.Learn(["abc"], 0);
        Assert.Equal([bpe.Pieces.ToList().IndexOf("a"), Vocabulary.Unknown], bpe.Encode("aZ"));
        Assert.Equal("a<unk>", bpe.Decode(bpe.Encode("aZ")));
    }

    [Fact]
    public void A_damaged_json_model_is_a_one_line_error()
    {
        var e = Assert.Throws<SpotlightException>(() => BpeModel.FromJson("""{"format":"spotlight-bpe","alphabet":["a"],"merges":[["a"]]}""", "m.spotlight"));
        Assert.Equal("m.spotlight: BPE model: a merge is not a pair of non-empty strings", e.Message);
    }

    // Sennrich et al.'s Algorithm 1, recounting every pair before every merge.
    private static List<(string, string)> BruteForce(IEnumerable<string> lines, int merges, int minFrequency)
    {
        var words = new Dictionary<string, (List<string> Symbols, long Count)>();
        foreach (var w in lines.SelectMany(BpePreTokenizer.Split))
            words[w] = words.TryGetValue(w, out var e) ? (e.Symbols, e.Count + 1) : (BpePreTokenizer.Symbols(w), 1);
        var result = new List<(string, string)>();
        while (result.Count < merges)
        {
            var counts = new Dictionary<(string, string), long>();
            foreach (var (symbols, count) in words.Values)
                for (int i = 0; i + 1 < symbols.Count; i++)
                    counts[(symbols[i], symbols[i + 1])] = counts.GetValueOrDefault((symbols[i], symbols[i + 1])) + count;
            if (counts.Count == 0) break;
            var best = counts.OrderByDescending(p => p.Value).ThenBy(p => p.Key.Item1, StringComparer.Ordinal)
                .ThenBy(p => p.Key.Item2, StringComparer.Ordinal).First();
            if (best.Value < minFrequency) break;
            result.Add(best.Key);
            foreach (var (symbols, _) in words.Values)
                for (int i = 0; i + 1 < symbols.Count; i++)
                    if (symbols[i] == best.Key.Item1 && symbols[i + 1] == best.Key.Item2)
                    {
                        symbols[i] += symbols[i + 1];
                        symbols.RemoveAt(i + 1);
                    }
        }
        return result;
    }
}
