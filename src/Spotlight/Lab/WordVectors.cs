using Spotlight.Captioning;
using Spotlight.Text;
using Spotlight.Translation;
using TorchSharp;
using static TorchSharp.torch;

namespace Spotlight.Lab;

/// <summary>A word and how similar it is to the query (cosine, in [−1, 1]).</summary>
public sealed record Neighbour(string Word, double Cosine);

/// <summary>
/// Words and their vectors (one row each, all the same length): a model's learned embeddings, read once into plain
/// arrays. Cosine similarity is the dot product of unit vectors; a zero vector has similarity 0 to everything.
/// </summary>
public sealed class WordVectors
{
    private readonly Dictionary<string, int> index;
    private readonly float[][] unit;

    public WordVectors(IReadOnlyList<string> words, IReadOnlyList<float[]> vectors)
    {
        if (words.Count != vectors.Count) throw new ArgumentException($"{words.Count} words but {vectors.Count} vectors");
        if (vectors.Count > 0 && vectors.Any(v => v.Length != vectors[0].Length)) throw new ArgumentException("vectors differ in length");
        Words = words;
        Vectors = vectors;
        index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < words.Count; i++) index.TryAdd(words[i], i);
        unit = vectors.Select(Normalise).ToArray();
    }

    public IReadOnlyList<string> Words { get; }
    public IReadOnlyList<float[]> Vectors { get; }
    public int Dimension => Vectors.Count == 0 ? 0 : Vectors[0].Length;

    public bool Contains(string word) => index.ContainsKey(word);

    public float[] Vector(string word) => index.TryGetValue(word, out var i) ? Vectors[i]
        : throw new SpotlightException($"'{word}' is not in the vocabulary");

    /// <summary>A captioner's word embeddings: every vocabulary word (the specials &lt;pad&gt; &lt;start&gt; &lt;end&gt; &lt;unk&gt; left out).</summary>
    public static WordVectors FromCaptioner(CaptionModel model)
    {
        var matrix = Rows(model.Network.Decoder.WordEmbeddings);
        var words = model.Vocabulary.Tokens.Skip(Vocabulary.Specials.Count).ToList();
        return new WordVectors(words, matrix.Skip(Vocabulary.Specials.Count).ToList());
    }

    /// <summary>
    /// A translator's target-side embeddings, one vector per word as the mean of its subword pieces (the word as it
    /// appears after a space, "▁word", or as the bare word where the model never saw a space). The words: every piece of the subword vocabulary that starts a word and has at
    /// least two letters (a whole word or the start of one: BPE does not record which), plus <paramref name="extraWords"/>.
    /// </summary>
    public static WordVectors FromTranslator(Translator model, IEnumerable<string> extraWords)
    {
        var matrix = Rows(model.Network.TargetEmbeddings);
        var bpe = model.Subwords.Target;
        var candidates = bpe.Pieces.Skip(Vocabulary.Specials.Count)
            .Where(p => p.StartsWith(BpePreTokenizer.SpaceMarker, StringComparison.Ordinal) && p.Length >= 3 && p.Skip(1).All(char.IsLetter))
            .Select(p => p[1..]).Concat(extraWords).Distinct(StringComparer.Ordinal).ToList();
        var words = new List<string>();
        var vectors = new List<float[]>();
        foreach (var word in candidates)
        {
            var pieces = bpe.Encode(" " + word);
            if (pieces.Contains(Vocabulary.Unknown)) pieces = bpe.Encode(word);         // a model that never saw a space
            if (pieces.Length == 0 || pieces.Contains(Vocabulary.Unknown)) continue;   // a character the model never saw
            var mean = new float[matrix[0].Length];
            foreach (var id in pieces)
                for (int d = 0; d < mean.Length; d++) mean[d] += matrix[id][d] / pieces.Length;
            words.Add(word);
            vectors.Add(mean);
        }
        return new WordVectors(words, vectors);
    }

    /// <summary>The <paramref name="k"/> words most similar to <paramref name="word"/> (itself left out), most similar first.</summary>
    public IReadOnlyList<Neighbour> Nearest(string word, int k) => Nearest(Vector(word), k, [word]);

    /// <summary>The <paramref name="k"/> words whose vectors are most similar to <paramref name="query"/>; ties by word (ordinal).</summary>
    public IReadOnlyList<Neighbour> Nearest(float[] query, int k, IReadOnlyCollection<string> exclude)
    {
        if (query.Length != Dimension) throw new ArgumentException($"query has {query.Length} dimensions, the vectors {Dimension}");
        var q = Normalise(query);
        return Enumerable.Range(0, Words.Count).Where(i => !exclude.Contains(Words[i]))
            .Select(i => new Neighbour(Words[i], Dot(q, unit[i])))
            .OrderByDescending(n => n.Cosine).ThenBy(n => n.Word, StringComparer.Ordinal).Take(k).ToList();
    }

    public double Cosine(string a, string b) => Dot(unit[index[a]], unit[index[b]]);

    /// <summary>a : b :: c : ? answered by the words nearest to b − a + c (a, b and c left out), as in Mikolov et al. 2013.</summary>
    public IReadOnlyList<Neighbour> Analogy(string a, string b, string c, int k)
    {
        var (va, vb, vc) = (Normalise(Vector(a)), Normalise(Vector(b)), Normalise(Vector(c)));
        var target = new float[Dimension];
        for (int d = 0; d < target.Length; d++) target[d] = vb[d] - va[d] + vc[d];
        return Nearest(target, k, [a, b, c]);
    }

    /// <summary>Writes the vectors in the GloVe text format (word, then its values; invariant culture, round-trip precision),
    /// atomically: what <see cref="PretrainedVectors.Read"/> and <c>spotlight train --init-embeddings</c> read.</summary>
    public void WriteText(string path)
    {
        var text = new System.Text.StringBuilder();
        for (int i = 0; i < Words.Count; i++)
        {
            if (Words[i].Any(char.IsWhiteSpace)) continue;   // the format cannot hold it
            text.Append(Words[i]);
            foreach (var value in Vectors[i]) text.Append(' ').Append(value.ToString("R", System.Globalization.CultureInfo.InvariantCulture));
            text.Append('\n');
        }
        Spotlight.IO.AtomicFile.WriteAllText(path, text.ToString());
    }

    private static List<float[]> Rows(Tensor weights)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var matrix = weights.detach().to(float32).cpu().contiguous();
        int rows = (int)matrix.shape[0], dim = (int)matrix.shape[1];
        var data = matrix.data<float>().ToArray();
        return Enumerable.Range(0, rows).Select(r => data.AsSpan(r * dim, dim).ToArray()).ToList();
    }

    private static float[] Normalise(float[] v)
    {
        double norm = Math.Sqrt(v.Sum(x => (double)x * x));
        return norm == 0 ? new float[v.Length] : v.Select(x => (float)(x / norm)).ToArray();
    }

    private static double Dot(float[] a, float[] b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++) sum += (double)a[i] * b[i];
        return sum;
    }
}
