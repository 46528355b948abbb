namespace Spotlight.Metrics;

/// <summary>
/// CIDEr-D as a training reward (self-critical sequence training): candidates scored against a fixed set of images'
/// references, with document frequencies computed once from all of those references — the training corpus — instead
/// of from whatever set is being evaluated. For a candidate per image over the same images this is exactly
/// <see cref="CiderD"/>'s per-image score (a test holds them equal). Inputs are token strings, already through the
/// scoring tokenizer. Safe to call from one thread at a time; scoring itself runs in parallel.
/// </summary>
public sealed class CiderDReward
{
    private readonly NGramCounter counter = new();
    private readonly int[] documentFrequency;
    private readonly double logImages;
    private readonly CiderScorer.Vector[][] references;
    private readonly Lock gate = new();
    private byte[] orders;

    /// <param name="references">per image, its references as space-joined tokens</param>
    public CiderDReward(IReadOnlyList<IReadOnlyList<string>> references, double sigma = 6.0)
    {
        ArgumentNullException.ThrowIfNull(references);
        if (references.Count == 0) throw new SpotlightException("CIDEr-D reward needs at least one image's references");
        Sigma = sigma;
        var counts = new NGramCounts[references.Count][];
        for (var i = 0; i < counts.Length; i++)
        {
            if (references[i].Count == 0) throw new SpotlightException($"CIDEr-D reward: image {i} has no reference caption");
            counts[i] = references[i].Select(counter.Count).ToArray();
        }
        documentFrequency = CiderScorer.DocumentFrequency(counts, counter.Distinct);
        orders = CiderScorer.Orders(counter);
        logImages = Math.Log(references.Count);
        this.references = counts.Select(c => c.Select(r => CiderScorer.Vectorize(r, documentFrequency, orders, logImages)).ToArray()).ToArray();
    }

    public double Sigma { get; }
    public int Images => references.Length;
    /// <summary>Distinct 1..4-grams in the references (the document-frequency table's size).</summary>
    public int ReferenceNGrams => documentFrequency.Length;

    /// <summary>CIDEr-D of each candidate (tokens) against the references of its image (an index into the constructor's list).</summary>
    public double[] Score(IReadOnlyList<int> images, IReadOnlyList<string> candidates)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(candidates);
        if (images.Count != candidates.Count)
            throw new ArgumentException($"{images.Count} image indexes for {candidates.Count} candidates");
        NGramCounts[] counts;
        byte[] known;
        lock (gate)
        {
            counts = candidates.Select(counter.Count).ToArray();
            if (orders.Length < counter.Distinct) orders = CiderScorer.Orders(counter);
            known = orders;
        }
        var scores = new double[candidates.Count];
        Parallel.For(0, candidates.Count, i =>
        {
            var image = images[i];
            if ((uint)image >= (uint)references.Length)
                throw new ArgumentOutOfRangeException(nameof(images), $"image {image} is not one of the {references.Length} images");
            var candidate = CiderScorer.Vectorize(counts[i], documentFrequency, known, logImages);
            scores[i] = CiderScorer.Similarity(candidate, references[image], known, dVariant: true, Sigma);
        });
        return scores;
    }
}
