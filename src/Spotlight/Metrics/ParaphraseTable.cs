using System.IO.Compression;

namespace Spotlight.Metrics;

/// <summary>
/// METEOR's paraphrase table (the format of its paraphrase-en.gz): records of three lines — a probability (unused
/// by METEOR), a phrase, and a paraphrase of it. Phrases are stored as a trie of word ids so that every phrase
/// starting at a sentence position is found in one walk (METEOR's ParaphraseTransducer). Gzip is detected from
/// the file's magic bytes, so plain-text tables load too. Nothing is downloaded.
/// </summary>
public sealed class ParaphraseTable
{
    private readonly Dictionary<string, int> vocabulary = new(StringComparer.Ordinal);
    private readonly Dictionary<(int Node, int Word), int> edges = new();   // trie: (node, next word) → node
    private readonly List<List<int>?> emits = new() { null };              // per node: paraphrase indices
    private readonly List<int[]> paraphrases = new();

    private ParaphraseTable() { }

    /// <summary>Number of phrase → paraphrase records.</summary>
    public int Count => paraphrases.Count;

    public static ParaphraseTable Load(string path)
    {
        if (!File.Exists(path)) throw new SpotlightException($"paraphrase table '{path}' does not exist");
        using var stream = OpenMaybeGzip(path);
        return Read(new StreamReader(stream), path);
    }

    /// <summary>Reads a table from text already in memory or on any stream (used by tests and tools).</summary>
    public static ParaphraseTable Read(TextReader reader, string name)
    {
        var table = new ParaphraseTable();
        int line = 0;
        try
        {
            while (reader.ReadLine() is not null)
            {
                line++;
                string phrase = reader.ReadLine()
                    ?? throw new SpotlightException($"{name}:{line}: record is missing its phrase line");
                string paraphrase = reader.ReadLine()
                    ?? throw new SpotlightException($"{name}:{line + 1}: record is missing its paraphrase line");
                line += 2;
                var (from, to) = (MeteorText.Tokenize(phrase), MeteorText.Tokenize(paraphrase));
                // An empty side could never match (METEOR would even loop on an empty paraphrase): skip it.
                if (from.Count > 0 && to.Count > 0) table.Add(from, to);
            }
        }
        catch (InvalidDataException e)
        {
            throw new SpotlightException($"{name}: not a readable gzip file ({e.Message})", e);
        }
        return table;
    }

    /// <summary>The word's id, or −1 for a word that occurs in no phrase (it then matches nothing).</summary>
    internal int WordId(string word) => vocabulary.TryGetValue(word, out int id) ? id : -1;

    /// <summary>
    /// Every (phrase length, paraphrase index) whose phrase starts at <paramref name="start"/> in
    /// <paramref name="words"/>, shorter phrases first, in table order for equal lengths.
    /// </summary>
    internal List<(int Length, int Paraphrase)> PhrasesAt(int[] words, int start)
    {
        var found = new List<(int, int)>();
        int node = 0;
        for (int i = 0; start + i < words.Length; i++)
        {
            if (!edges.TryGetValue((node, words[start + i]), out node)) break;
            if (emits[node] is { } list)
                foreach (int p in list) found.Add((i + 1, p));
        }
        return found;
    }

    /// <summary>The paraphrase's words as ids.</summary>
    internal int[] Paraphrase(int index) => paraphrases[index];

    private void Add(List<string> phrase, List<string> paraphrase)
    {
        var phraseIds = phrase.Select(Map).ToArray();
        var paraphraseIds = paraphrase.Select(Map).ToArray();
        int node = 0;
        foreach (int word in phraseIds)
        {
            if (!edges.TryGetValue((node, word), out int next))
            {
                next = emits.Count;
                emits.Add(null);
                edges[(node, word)] = next;
            }
            node = next;
        }
        (emits[node] ??= new List<int>()).Add(paraphrases.Count);
        paraphrases.Add(paraphraseIds);
    }

    private int Map(string word)
    {
        if (!vocabulary.TryGetValue(word, out int id)) vocabulary[word] = id = vocabulary.Count;
        return id;
    }

    private static Stream OpenMaybeGzip(string path)
    {
        var file = File.OpenRead(path);
        int b1 = file.ReadByte(), b2 = file.ReadByte();
        file.Position = 0;
        return b1 == 0x1F && b2 == 0x8B ? new GZipStream(file, CompressionMode.Decompress) : file;
    }
}
