using System.Text.Json;
using System.Text.Json.Nodes;

namespace Spotlight.Text;

/// <summary>
/// A learned byte-pair encoding (Sennrich et al. 2016) over characters: the ordered merges and the subword vocabulary
/// they make. Ids 0–3 are the specials of <see cref="Vocabulary"/> (&lt;pad&gt;, &lt;start&gt;, &lt;end&gt;,
/// &lt;unk&gt;); then the alphabet seen in training (ordinal order), then each merge's result in merge order.
/// Encoding splits text with <see cref="BpePreTokenizer"/> and applies merges by rank inside each word, so
/// <see cref="Decode"/> of <see cref="Encode"/> gives the text back exactly when every character was in the alphabet.
/// Stored inside the model file as JSON (<see cref="ToJson"/>).
/// </summary>
public sealed class BpeModel
{
    private const string FormatName = "spotlight-bpe";
    private const int CacheLimit = 200_000;   // words remembered by Segment; past this, new words are not cached

    private readonly (string Left, string Right)[] merges;
    private readonly Dictionary<(string, string), int> rank;
    private readonly string[] alphabet;
    private readonly string[] pieces;
    private readonly Dictionary<string, int> ids;
    private readonly Dictionary<string, string[]> cache = new(StringComparer.Ordinal);
    private readonly object cacheLock = new();

    public BpeModel(IReadOnlyList<string> alphabet, IReadOnlyList<(string Left, string Right)> merges)
    {
        this.merges = [.. merges];
        rank = new Dictionary<(string, string), int>();
        for (int i = 0; i < this.merges.Length; i++) rank.TryAdd(this.merges[i], i);
        var vocabulary = new List<string>(Vocabulary.Specials);
        var seen = new HashSet<string>(vocabulary, StringComparer.Ordinal);
        this.alphabet = alphabet.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        foreach (var symbol in this.alphabet)
            if (seen.Add(symbol)) vocabulary.Add(symbol);
        // Two merges can make the same string ("a"+"bc", "ab"+"c"); it gets one id.
        foreach (var (left, right) in this.merges)
            if (seen.Add(left + right)) vocabulary.Add(left + right);
        pieces = [.. vocabulary];
        ids = new Dictionary<string, int>(pieces.Length, StringComparer.Ordinal);
        for (int i = 0; i < pieces.Length; i++) ids[pieces[i]] = i;
    }

    /// <summary>Vocabulary size, specials included.</summary>
    public int Count => pieces.Length;

    public IReadOnlyList<(string Left, string Right)> Merges => merges;

    /// <summary>The single characters training saw, in ordinal order.</summary>
    public IReadOnlyList<string> Alphabet => alphabet;

    public IReadOnlyList<string> Pieces => pieces;

    /// <summary>The subword string of an id (specials as "&lt;end&gt;" etc.).</summary>
    public string Piece(int id) => id >= 0 && id < pieces.Length
        ? pieces[id]
        : throw new ArgumentOutOfRangeException(nameof(id), $"subword id {id} is outside the vocabulary of {pieces.Length}");

    /// <summary>Subword strings of a text, e.g. "the cats" → ["the", "▁c", "ats"].</summary>
    public List<string> Segment(string text)
    {
        var result = new List<string>();
        foreach (var word in BpePreTokenizer.Split(text)) result.AddRange(SegmentWord(word));
        return result;
    }

    /// <summary>Subword ids of a text, without &lt;start&gt;/&lt;end&gt;; a character outside the alphabet is &lt;unk&gt;.</summary>
    public int[] Encode(string text)
    {
        var segmented = Segment(text);
        var result = new int[segmented.Count];
        for (int i = 0; i < result.Length; i++) result[i] = ids.GetValueOrDefault(segmented[i], Vocabulary.Unknown);
        return result;
    }

    /// <summary>
    /// Text of subword ids: stops at the first &lt;end&gt;, skips &lt;pad&gt; and &lt;start&gt;; &lt;unk&gt; is written
    /// as "&lt;unk&gt;" so a gap stays visible.
    /// </summary>
    public string Decode(IEnumerable<int> subwordIds)
    {
        var parts = new List<string>();
        foreach (var id in subwordIds)
        {
            if (id == Vocabulary.End) break;
            if (id == Vocabulary.Pad || id == Vocabulary.Start) continue;
            parts.Add(Piece(id));
        }
        return BpePreTokenizer.Join(parts);
    }

    private string[] SegmentWord(string word)
    {
        lock (cacheLock)
            if (cache.TryGetValue(word, out var known)) return known;
        var symbols = BpePreTokenizer.Symbols(word);
        while (symbols.Count > 1)
        {
            // The adjacent pair merged earliest in training goes first, as in training.
            int best = -1, bestRank = int.MaxValue;
            for (int i = 0; i + 1 < symbols.Count; i++)
                if (rank.TryGetValue((symbols[i], symbols[i + 1]), out var r) && r < bestRank) { bestRank = r; best = i; }
            if (best < 0) break;
            var (left, right) = merges[bestRank];
            var merged = new List<string>(symbols.Count);
            for (int i = 0; i < symbols.Count; i++)
            {
                if (i + 1 < symbols.Count && symbols[i] == left && symbols[i + 1] == right) { merged.Add(left + right); i++; }
                else merged.Add(symbols[i]);
            }
            symbols = merged;
        }
        var result = symbols.ToArray();
        lock (cacheLock)
            if (cache.Count < CacheLimit) cache[word] = result;
        return result;
    }

    public string ToJson()
    {
        var alphabetArray = new JsonArray();
        foreach (var symbol in alphabet) alphabetArray.Add(symbol);
        var mergeArray = new JsonArray();
        foreach (var (l, r) in merges) mergeArray.Add(new JsonArray(l, r));
        return new JsonObject { ["format"] = FormatName, ["alphabet"] = alphabetArray, ["merges"] = mergeArray }
            .ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
    }

    /// <summary>Reads <see cref="ToJson"/>'s output; <paramref name="source"/> names the file in errors.</summary>
    public static BpeModel FromJson(string json, string source)
    {
        try
        {
            var root = JsonNode.Parse(json) as JsonObject ?? throw Bad(source, "not a JSON object");
            if ((string?)root["format"] != FormatName) throw Bad(source, $"format is not '{FormatName}'");
            var alphabet = (root["alphabet"] as JsonArray ?? throw Bad(source, "no 'alphabet' array"))
                .Select(n => (string?)n ?? throw Bad(source, "an alphabet entry is null")).ToList();
            var merges = (root["merges"] as JsonArray ?? throw Bad(source, "no 'merges' array")).Select(n =>
            {
                if (n is not JsonArray { Count: 2 } pair || (string?)pair[0] is not { Length: > 0 } l || (string?)pair[1] is not { Length: > 0 } r)
                    throw Bad(source, "a merge is not a pair of non-empty strings");
                return (l, r);
            }).ToList();
            return new BpeModel(alphabet, merges);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw Bad(source, e.Message.ReplaceLineEndings(" "));
        }
    }

    private static SpotlightException Bad(string source, string problem) => new($"{source}: BPE model: {problem}");
}
