using Spotlight.Captioning;
using Spotlight.Checkpoints;
using Spotlight.Translation;

namespace Spotlight.Lab;

/// <summary>What <c>spotlight lab embeddings MODEL</c> looks at.</summary>
/// <param name="Words">query words (null: the <see cref="DefaultWordCount"/> most frequent of a captioner's vocabulary,
/// or the first of a translator's word list)</param>
/// <param name="K">neighbours per word</param>
/// <param name="PlotWords">at most this many words in the PCA picture: the queries and their neighbours first</param>
/// <param name="ExportPath">also write every word's vector here in the GloVe text format (for <c>train --init-embeddings</c>)</param>
public sealed record EmbeddingLabSettings(string ModelPath, IReadOnlyList<string>? Words = null, int K = 8, int PlotWords = 80, string? ExportPath = null)
{
    public const int DefaultWordCount = 8;

    public void Validate()
    {
        if (K is < 1 or > 100) throw new SpotlightException($"--k must be between 1 and 100, got {K}");
        if (PlotWords < 2) throw new SpotlightException($"the picture needs at least 2 words, got {PlotWords}");
    }
}

/// <summary>a : b :: c : ? — the expected answer and the model's best guesses.</summary>
public sealed record AnalogyResult(string A, string B, string C, string Expected, IReadOnlyList<Neighbour> Answers)
{
    public bool Correct => Answers.Count > 0 && Answers[0].Word == Expected;
}

public sealed record EmbeddingLabResult(
    string ModelPath, string ModelKind, int VocabularyWords, int Dimension,
    IReadOnlyList<(string Word, IReadOnlyList<Neighbour> Neighbours)> Queries, IReadOnlyList<string> MissingWords,
    IReadOnlyList<AnalogyResult> Analogies, Spotlight.IO.LabelledPoint[] Points, double FirstShare, double SecondShare);

/// <summary>A trained model's word embeddings: nearest neighbours, analogies and a 2-D PCA picture.</summary>
public static class EmbeddingLab
{
    /// <summary>
    /// a : b :: c : d quadruples tried when all four words are in the vocabulary: the classic ones (Mikolov et al. 2013)
    /// and some that the synthetic scenes' captions can support (sizes, directions and their synonyms).
    /// </summary>
    public static readonly IReadOnlyList<(string A, string B, string C, string D)> KnownAnalogies =
    [
        ("man", "woman", "king", "queen"), ("man", "woman", "boy", "girl"), ("man", "men", "woman", "women"),
        ("dog", "dogs", "cat", "cats"), ("dog", "puppy", "cat", "kitten"), ("france", "paris", "germany", "berlin"),
        ("small", "large", "little", "big"), ("little", "big", "small", "large"), ("above", "below", "over", "under"),
        ("over", "under", "above", "below"), ("left", "right", "above", "below"), ("one", "two", "circle", "circles"),
    ];

    public static EmbeddingLabResult Run(EmbeddingLabSettings settings)
    {
        settings.Validate();
        var (kind, _, _) = ModelFile.Inspect(settings.ModelPath);
        WordVectors vectors;
        IReadOnlyList<string> defaults;
        if (kind == CaptionModel.Kind)
        {
            using var model = CaptionModel.Load(settings.ModelPath);
            vectors = WordVectors.FromCaptioner(model);
        }
        else if (kind == Translator.Kind)
        {
            using var model = Translator.Load(settings.ModelPath);
            vectors = WordVectors.FromTranslator(model, settings.Words ?? []);
        }
        else throw new SpotlightException($"{settings.ModelPath}: holds a '{kind}'; the lab reads a captioner's or a translator's word embeddings");
        defaults = vectors.Words.Take(EmbeddingLabSettings.DefaultWordCount).ToList();
        if (settings.ExportPath is not null) vectors.WriteText(settings.ExportPath);
        if (vectors.Words.Count < 2) throw new SpotlightException($"{settings.ModelPath}: has fewer than two words to compare");
        return Explore(vectors, settings, defaults, settings.ModelPath, kind);
    }

    /// <summary>The part that needs no model file: neighbours, analogies and the projection of any word vectors.</summary>
    public static EmbeddingLabResult Explore(WordVectors vectors, EmbeddingLabSettings settings, IReadOnlyList<string> defaultWords,
        string source, string kind)
    {
        var asked = settings.Words ?? defaultWords;
        var missing = asked.Where(w => !vectors.Contains(w)).ToList();
        var found = asked.Where(vectors.Contains).Distinct(StringComparer.Ordinal).ToList();
        if (found.Count == 0)
            throw new SpotlightException($"{source}: none of the words ({string.Join(", ", asked)}) is in the vocabulary of {vectors.Words.Count} words");
        var queries = found.Select(w => (w, vectors.Nearest(w, settings.K))).ToList();
        var analogies = KnownAnalogies.Where(q => new[] { q.A, q.B, q.C, q.D }.All(vectors.Contains))
            .Select(q => new AnalogyResult(q.A, q.B, q.C, q.D, vectors.Analogy(q.A, q.B, q.C, 3))).ToList();

        // PCA over the whole vocabulary; the picture shows the queries, their neighbours, then other words.
        var projection = Pca.Project(vectors.Vectors);
        var shown = found.Concat(queries.SelectMany(q => q.Item2.Select(n => n.Word))).Concat(vectors.Words)
            .Distinct(StringComparer.Ordinal).Take(settings.PlotWords).ToList();
        var position = vectors.Words.Select((w, i) => (w, i)).GroupBy(x => x.w).ToDictionary(g => g.Key, g => g.First().i, StringComparer.Ordinal);
        var points = shown.Select(w => new Spotlight.IO.LabelledPoint(w, projection.X[position[w]], projection.Y[position[w]])).ToArray();
        return new EmbeddingLabResult(source, kind, vectors.Words.Count, vectors.Dimension, queries, missing, analogies, points,
            projection.FirstShare, projection.SecondShare);
    }
}
