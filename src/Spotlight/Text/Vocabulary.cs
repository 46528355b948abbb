using System.Text.Json;
using System.Text.Json.Nodes;

namespace Spotlight.Text;

/// <summary>
/// Word ↔ id map. Ids 0–3 are the specials &lt;pad&gt;, &lt;start&gt;, &lt;end&gt;, &lt;unk&gt;; words follow by
/// descending count, ties in ordinal order, so the same captions always give the same ids. Stored inside the model
/// file as JSON (<see cref="ToJson"/>), never beside it.
/// </summary>
public sealed class Vocabulary
{
    public const int Pad = 0, Start = 1, End = 2, Unknown = 3;
    public static readonly IReadOnlyList<string> Specials = ["<pad>", "<start>", "<end>", "<unk>"];
    private const string FormatName = "spotlight-vocabulary";

    private readonly string[] tokens;
    private readonly Dictionary<string, int> ids;

    private Vocabulary(string[] tokens)
    {
        this.tokens = tokens;
        ids = new Dictionary<string, int>(tokens.Length, StringComparer.Ordinal);
        for (int i = 0; i < tokens.Length; i++) ids.Add(tokens[i], i);
    }

    public int Count => tokens.Length;
    public IReadOnlyList<string> Tokens => tokens;

    public static Vocabulary Build(IEnumerable<IReadOnlyList<string>> tokenizedCaptions, int minCount)
    {
        if (minCount < 1) throw new ArgumentOutOfRangeException(nameof(minCount), "minCount must be at least 1");
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var caption in tokenizedCaptions)
            foreach (var token in caption)
                if (!Specials.Contains(token)) counts[token] = counts.GetValueOrDefault(token) + 1;
        var words = counts.Where(kv => kv.Value >= minCount)
            .OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => kv.Key);
        return new Vocabulary([.. Specials, .. words]);
    }

    public string Token(int id) => id >= 0 && id < tokens.Length
        ? tokens[id]
        : throw new ArgumentOutOfRangeException(nameof(id), $"token id {id} is outside the vocabulary of {tokens.Length}");

    /// <summary>The id of a token, or <see cref="Unknown"/> for a word not in the vocabulary.</summary>
    public int Id(string token) => ids.GetValueOrDefault(token, Unknown);

    public bool Contains(string token) => ids.ContainsKey(token);

    /// <summary>Word ids only: no &lt;start&gt;/&lt;end&gt; (the batch loader adds them); unknown words → &lt;unk&gt;.</summary>
    public int[] Encode(IReadOnlyList<string> tokens)
    {
        var result = new int[tokens.Count];
        for (int i = 0; i < result.Length; i++) result[i] = Id(tokens[i]);
        return result;
    }

    /// <summary>
    /// Words joined by spaces: stops at the first &lt;end&gt;, skips &lt;pad&gt; and &lt;start&gt;. &lt;unk&gt; is kept
    /// as the text "&lt;unk&gt;" unless <paramref name="skipUnknown"/>: dropping it would hide a model's gaps.
    /// </summary>
    public string Decode(IEnumerable<int> ids, bool skipUnknown = false)
    {
        var words = new List<string>();
        foreach (var id in ids)
        {
            if (id == End) break;
            if (id == Pad || id == Start || (skipUnknown && id == Unknown)) continue;
            words.Add(Token(id));
        }
        return string.Join(' ', words);
    }

    public string ToJson()
    {
        var json = new JsonObject
        {
            ["format"] = FormatName,
            ["version"] = 1,
            ["tokens"] = new JsonArray([.. tokens.Select(t => (JsonNode)JsonValue.Create(t))]),
        };
        return json.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
    }

    public static Vocabulary FromJson(string json)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json);
        }
        catch (JsonException e)
        {
            throw new SpotlightException($"vocabulary: malformed JSON ({e.Message})");
        }
        if (root is not JsonObject obj || obj["format"]?.GetValueKind() != JsonValueKind.String
            || (string?)obj["format"] != FormatName)
            throw new SpotlightException($"vocabulary: not a {FormatName} JSON object");
        if (obj["version"]?.GetValueKind() != JsonValueKind.Number || (int)obj["version"]! != 1)
            throw new SpotlightException("vocabulary: unsupported version (expected 1)");
        if (obj["tokens"] is not JsonArray array) throw new SpotlightException("vocabulary: missing \"tokens\" array");

        var list = new string[array.Count];
        for (int i = 0; i < list.Length; i++)
        {
            if (array[i]?.GetValueKind() != JsonValueKind.String || string.IsNullOrEmpty((string?)array[i]))
                throw new SpotlightException($"vocabulary: token {i} is not a non-empty string");
            list[i] = (string)array[i]!;
        }
        for (int i = 0; i < Specials.Count; i++)
            if (i >= list.Length || list[i] != Specials[i])
                throw new SpotlightException($"vocabulary: id {i} must be {Specials[i]}");
        var duplicate = list.GroupBy(t => t, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new SpotlightException($"vocabulary: token \"{duplicate.Key}\" appears twice");
        return new Vocabulary(list);
    }
}
