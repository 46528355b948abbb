using System.Text.Json;
using Spotlight.Text;

namespace Spotlight.Translation;

/// <summary>
/// The source and target subword models of a translator. Joint: one BPE learned on both sides (and one vocabulary);
/// separate: one per side. Both are stored in the model file, so decoding always segments as training did.
/// </summary>
public sealed record Subwords(BpeModel Source, BpeModel Target, bool Joint)
{
    public const string SourceBlob = "bpe_source", TargetBlob = "bpe_target", JointBlob = "bpe_joint";

    /// <summary>Learns BPE on the training pairs: <paramref name="merges"/> merges (per side when separate).</summary>
    public static Subwords Learn(IReadOnlyList<SentencePair> pairs, int merges, bool joint, int minFrequency = 2)
    {
        if (joint)
        {
            var model = BpeLearner.Learn(pairs.Select(p => p.Source).Concat(pairs.Select(p => p.Target)), merges, minFrequency);
            return new Subwords(model, model, true);
        }
        return new Subwords(BpeLearner.Learn(pairs.Select(p => p.Source), merges, minFrequency),
            BpeLearner.Learn(pairs.Select(p => p.Target), merges, minFrequency), false);
    }

    /// <summary>The blobs a model file or checkpoint stores.</summary>
    public Dictionary<string, string> ToBlobs() => new()
    {
        [SourceBlob] = Source.ToJson(),
        [TargetBlob] = Joint ? "null" : Target.ToJson(),
        [JointBlob] = JsonSerializer.Serialize(Joint),
    };

    public static Subwords FromBlobs(IReadOnlyDictionary<string, string> blobs, string path)
    {
        string Get(string name) => blobs.TryGetValue(name, out var json) ? json : throw new SpotlightException($"{path}: has no '{name}' entry");
        var joint = JsonSerializer.Deserialize<bool>(Get(JointBlob));
        var source = BpeModel.FromJson(Get(SourceBlob), path);
        return new Subwords(source, joint ? source : BpeModel.FromJson(Get(TargetBlob), path), joint);
    }
}

/// <summary>A sentence pair as subword ids (no &lt;start&gt;/&lt;end&gt;), with its line for error reports.</summary>
public sealed record EncodedPair(int[] Source, int[] Target, int Line);

/// <summary>
/// Training pairs in subword ids. Pairs with more than <c>maxLength</c> subwords on either side are
/// dropped (counted and reported with their lines), so one long sentence cannot blow up a batch's memory.
/// </summary>
public sealed record SubwordCorpus(IReadOnlyList<EncodedPair> Pairs, IReadOnlyList<DataIssue> Dropped)
{
    public static SubwordCorpus Encode(ParallelCorpus corpus, Subwords subwords, int maxLength)
    {
        if (maxLength < 1) throw new SpotlightException($"maximum length must be ≥ 1 subword, got {maxLength}");
        var pairs = new List<EncodedPair>(corpus.Pairs.Count);
        var dropped = new List<DataIssue>();
        foreach (var pair in corpus.Pairs)
        {
            var source = subwords.Source.Encode(pair.Source);
            var target = subwords.Target.Encode(pair.Target);
            if (source.Length > maxLength || target.Length > maxLength)
                dropped.Add(new DataIssue(corpus.Description, pair.Line,
                    $"over-long pair ({source.Length} source, {target.Length} target subwords; the limit is {maxLength})"));
            else pairs.Add(new EncodedPair(source, target, pair.Line));
        }
        if (pairs.Count == 0)
            throw new SpotlightException($"{corpus.Description}: no usable sentence pairs ({corpus.Issues.Count} bad lines, {dropped.Count} over-long)");
        return new SubwordCorpus(pairs, dropped);
    }
}
