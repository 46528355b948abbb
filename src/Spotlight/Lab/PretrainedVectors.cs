using System.Globalization;
using Spotlight.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace Spotlight.Lab;

/// <summary>
/// Word vectors in the GloVe / word2vec text format: one word per line followed by its values, separated by spaces
/// (word2vec files start with a "count dimension" line, which is recognised and checked). Every line is checked: a row
/// whose length differs from the first row's (ragged), one that differs from the header's dimension, or a value that is
/// not a finite number stops the read with the file and line. Only the words <c>keep</c> accepts are stored, so a
/// large file costs memory for the vocabulary only.
/// </summary>
public sealed class PretrainedVectors
{
    private PretrainedVectors(string path, int dimension, Dictionary<string, float[]> vectors, int rows)
    {
        (Path, Dimension, Vectors, Rows) = (path, dimension, vectors, rows);
    }

    public string Path { get; }
    public int Dimension { get; }
    /// <summary>The kept words (the first row of a word that occurs twice).</summary>
    public IReadOnlyDictionary<string, float[]> Vectors { get; }
    /// <summary>Vector rows in the file, kept or not.</summary>
    public int Rows { get; }

    public static PretrainedVectors Read(string path, Func<string, bool>? keep = null)
    {
        if (!File.Exists(path)) throw new SpotlightException($"{path}: no such vectors file");
        var vectors = new Dictionary<string, float[]>(StringComparer.Ordinal);
        int dimension = -1, rows = 0, lineNumber = 0;
        int? headerDimension = null;
        using var reader = new StreamReader(path, System.Text.Encoding.UTF8);
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            var fields = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length == 0) continue;
            if (lineNumber == 1 && fields.Length == 2 && int.TryParse(fields[0], out _) && int.TryParse(fields[1], out int declared))
            {
                if (declared < 1) throw new SpotlightException($"{path}:1: the header declares {declared} dimensions");
                headerDimension = declared;   // word2vec: "count dimension"
                continue;
            }
            int values = fields.Length - 1;
            if (values == 0) throw new SpotlightException($"{path}:{lineNumber}: '{fields[0]}' has no values");
            if (dimension < 0)
            {
                if (headerDimension is int h && values != h)
                    throw new SpotlightException($"{path}:{lineNumber}: {values} values, but the header declares {h} dimensions");
                dimension = values;
            }
            else if (values != dimension)
                throw new SpotlightException($"{path}:{lineNumber}: {values} values, but the rows before have {dimension} (ragged row)");
            rows++;
            bool store = (keep?.Invoke(fields[0]) ?? true) && !vectors.ContainsKey(fields[0]);
            var vector = store ? new float[dimension] : null;
            for (int i = 0; i < dimension; i++)
            {
                if (!float.TryParse(fields[i + 1], NumberStyles.Float, CultureInfo.InvariantCulture, out float value) || !float.IsFinite(value))
                    throw new SpotlightException($"{path}:{lineNumber}: value {i + 1} of '{fields[0]}' is not a finite number: '{fields[i + 1]}'");
                if (vector is not null) vector[i] = value;
            }
            if (vector is not null) vectors[fields[0]] = vector;
        }
        if (rows == 0) throw new SpotlightException($"{path}: has no vectors");
        return new PretrainedVectors(path, dimension, vectors, rows);
    }

    /// <summary>The dimension of the first vector row (the header's, for word2vec), reading only the first lines.</summary>
    public static int PeekDimension(string path)
    {
        if (!File.Exists(path)) throw new SpotlightException($"{path}: no such vectors file");
        int lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            var fields = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length == 0) continue;
            if (lineNumber == 1 && fields.Length == 2 && int.TryParse(fields[0], out _) && int.TryParse(fields[1], out int declared)) return declared;
            return fields.Length - 1;
        }
        throw new SpotlightException($"{path}: has no vectors");
    }

    /// <summary>What starting from the file did: words found, and the vocabulary words it lacks (they keep their random start).</summary>
    public sealed record InitResult(int Found, IReadOnlyList<string> Missing);

    /// <summary>
    /// Copies the vector of every vocabulary word found in the file into its row of <paramref name="embeddings"/>
    /// (vocab, dim); the specials and the missing words keep their rows. A dimension other than the matrix's is refused,
    /// naming both.
    /// </summary>
    public InitResult CopyInto(Tensor embeddings, Vocabulary vocabulary)
    {
        int modelDimension = (int)embeddings.shape[1];
        if (modelDimension != Dimension)
            throw new SpotlightException($"{Path}: its vectors have {Dimension} dimensions but the word embeddings have {modelDimension} (--embed-dim); they must be equal");
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var missing = new List<string>();
        int found = 0;
        for (int id = Vocabulary.Specials.Count; id < vocabulary.Count; id++)
        {
            var word = vocabulary.Token(id);
            if (!Vectors.TryGetValue(word, out var vector))
            {
                missing.Add(word);
                continue;
            }
            embeddings[id].copy_(torch.tensor(vector, dtype: embeddings.dtype, device: embeddings.device));
            found++;
        }
        return new InitResult(found, missing);
    }
}
