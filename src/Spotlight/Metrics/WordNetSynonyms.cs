namespace Spotlight.Metrics;

/// <summary>
/// METEOR's synonym resource: which WordNet synsets each word belongs to, and the irregular inflections
/// (mice → mouse) from WordNet's exception lists. Two words are synonyms when their synset sets intersect, where a
/// word's sets are its own plus those of its base form (see <see cref="StemSynsets"/>).
/// Loads either a WordNet 3.0 database directory (Debian's <c>wordnet-base</c>: index.noun/verb/adj/adv and
/// noun/verb/adj/adv.exc, in /usr/share/wordnet) or METEOR's own derived files (english.synsets and
/// english.exceptions). Nothing is downloaded.
/// </summary>
public sealed class WordNetSynonyms
{
    private static readonly string[] PartsOfSpeech = { "noun", "verb", "adj", "adv" };
    private static readonly HashSet<long> Empty = new();

    private readonly Dictionary<string, HashSet<long>> wordToSynsets;
    private readonly Dictionary<string, List<string>> formToBases;

    private WordNetSynonyms(Dictionary<string, HashSet<long>> wordToSynsets, Dictionary<string, List<string>> formToBases)
    {
        this.wordToSynsets = wordToSynsets;
        this.formToBases = formToBases;
    }

    /// <summary>Number of distinct words (lemmas) with at least one synset.</summary>
    public int WordCount => wordToSynsets.Count;

    /// <summary>
    /// Reads a WordNet database directory. A synset is identified by part of speech and byte offset, so offsets
    /// that happen to coincide across the four data files do not make unrelated words synonyms. (METEOR's shipped
    /// english.synsets keys synsets by offset alone, which merges a few hundred such pairs; load those files with
    /// <see cref="LoadMeteorFiles"/> to reproduce that exactly.)
    /// </summary>
    public static WordNetSynonyms LoadWordNet(string directory)
    {
        if (!Directory.Exists(directory))
            throw new SpotlightException($"WordNet directory '{directory}' does not exist (on Debian: apt-get install wordnet-base, then use /usr/share/wordnet)");
        var synsets = new Dictionary<string, HashSet<long>>(StringComparer.Ordinal);
        for (int pos = 0; pos < PartsOfSpeech.Length; pos++)
            ReadIndex(Path.Combine(directory, "index." + PartsOfSpeech[pos]), pos, synsets);
        var bases = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var pos in new[] { "adj", "adv", "noun", "verb" })
            ReadExceptions(Path.Combine(directory, pos + ".exc"), bases);
        return new WordNetSynonyms(synsets, bases);
    }

    /// <summary>
    /// Reads METEOR's synonym files (as shipped in meteor-1.5.jar's synonym/ folder): english.synsets holds
    /// word / synset-offsets line pairs, english.exceptions holds base / inflected-forms line pairs.
    /// </summary>
    public static WordNetSynonyms LoadMeteorFiles(string synsetsFile, string exceptionsFile)
    {
        var synsets = new Dictionary<string, HashSet<long>>(StringComparer.Ordinal);
        foreach (var (word, data, line) in LinePairs(synsetsFile))
        {
            var set = new HashSet<long>();
            foreach (var token in MeteorText.Tokenize(data))
            {
                if (!int.TryParse(token, out int offset))
                    throw new SpotlightException($"{synsetsFile}:{line}: synset offset '{token}' is not an integer");
                set.Add(offset);
            }
            synsets[word] = set;      // a repeated word replaces the earlier entry, as METEOR's Hashtable.put does
        }
        var bases = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (baseForm, forms, _) in LinePairs(exceptionsFile))
            foreach (var form in MeteorText.Tokenize(forms))
                AddBase(bases, form, baseForm);
        return new WordNetSynonyms(synsets, bases);
    }

    /// <summary>The synsets the word itself is a lemma of (empty when it is not in WordNet).</summary>
    public IReadOnlySet<long> Synsets(string word) => wordToSynsets.TryGetValue(word, out var set) ? set : Empty;

    /// <summary>
    /// The synsets of the word's base form: its bases from the exception lists if it has any, otherwise the first
    /// form that WordNet's detachment rules (morph) produce and that is a lemma (running → run is not among the
    /// rules; dogs → dog, boxes → box, ladies → lady are).
    /// </summary>
    public IReadOnlySet<long> StemSynsets(string word)
    {
        if (formToBases.TryGetValue(word, out var baseForms))
        {
            var set = new HashSet<long>();
            foreach (var b in baseForms) set.UnionWith(Synsets(b));
            return set;
        }
        return Synsets(Morph(word));
    }

    // WordNet 3's suffix detachment rules in METEOR's order (nouns, verbs, adjectives): the first rewrite that
    // yields a known lemma wins; words ending in "ss" or of two letters or fewer are returned unchanged.
    private static readonly (string Suffix, string Ending)[] Detachments =
    {
        ("s", ""), ("ses", "s"), ("xes", "x"), ("zes", "z"), ("ches", "ch"), ("shes", "sh"), ("men", "man"),
        ("ies", "y"),
        ("s", ""), ("ies", "y"), ("es", "e"), ("es", ""), ("ed", "e"), ("ed", ""), ("ing", "e"), ("ing", ""),
        ("er", ""), ("est", ""), ("er", "e"), ("est", "e"),
    };

    private string Morph(string word)
    {
        if (word.EndsWith("ss", StringComparison.Ordinal) || word.Length <= 2) return word;
        foreach (var (suffix, ending) in Detachments)
        {
            if (!word.EndsWith(suffix, StringComparison.Ordinal)) continue;
            string candidate = word[..^suffix.Length] + ending;
            if (wordToSynsets.ContainsKey(candidate)) return candidate;
        }
        return "";
    }

    // index.pos lines: lemma pos synset_cnt p_cnt [ptr_symbol x p_cnt] sense_cnt tagsense_cnt offset x synset_cnt.
    // Parsed from spans: the four files hold 155k lines and this is most of the load time.
    private static void ReadIndex(string path, int pos, Dictionary<string, HashSet<long>> synsets)
    {
        if (!File.Exists(path)) throw new SpotlightException($"WordNet index file '{path}' is missing");
        int lineNumber = 0;
        Span<Range> fields = stackalloc Range[4];
        foreach (var text in File.ReadLines(path))
        {
            lineNumber++;
            if (text.Length == 0 || text[0] == ' ') continue;        // license header lines start with spaces
            var line = text.AsSpan().TrimEnd();
            // lemma, pos, synset_cnt, rest
            if (line.Split(fields, ' ') != 4 || !int.TryParse(line[fields[2]], out int count) || count < 0)
                throw new SpotlightException($"{path}:{lineNumber}: not a WordNet index line");
            var rest = line[fields[3]];
            int firstSpace = rest.IndexOf(' ');
            if (firstSpace < 0 || !int.TryParse(rest[..firstSpace], out int pointers)
                || rest.Count(' ') + 1 != 3 + pointers + count)   // p_cnt, pointers, two sense counts, offsets
                throw new SpotlightException($"{path}:{lineNumber}: not a WordNet index line");
            // The offsets are the last `count` fields.
            var offsets = new long[count];
            for (int k = count - 1; k >= 0; k--)
            {
                int space = rest.LastIndexOf(' ');
                if (space < 0 || !long.TryParse(rest[(space + 1)..], out offsets[k]))
                    throw new SpotlightException($"{path}:{lineNumber}: not a WordNet index line");
                rest = rest[..space];
            }
            string lemma = line[fields[0]].ToString();
            if (!synsets.TryGetValue(lemma, out var set)) synsets[lemma] = set = new HashSet<long>(count);
            foreach (long offset in offsets) set.Add(((long)(pos + 1) << 32) | offset);   // part of speech in the high bits
        }
    }

    // pos.exc lines: inflected-form base-form [base-form ...].
    private static void ReadExceptions(string path, Dictionary<string, List<string>> bases)
    {
        if (!File.Exists(path)) throw new SpotlightException($"WordNet exception file '{path}' is missing");
        foreach (var line in File.ReadLines(path))
        {
            var t = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            for (int k = 1; k < t.Length; k++) AddBase(bases, t[0], t[k]);
        }
    }

    private static void AddBase(Dictionary<string, List<string>> bases, string form, string baseForm)
    {
        if (!bases.TryGetValue(form, out var list)) bases[form] = list = new List<string>();
        list.Add(baseForm);
    }

    private static IEnumerable<(string First, string Second, int Line)> LinePairs(string path)
    {
        if (!File.Exists(path)) throw new SpotlightException($"METEOR synonym file '{path}' is missing");
        using var reader = new StreamReader(path);
        int line = 0;
        while (reader.ReadLine() is { } first)
        {
            line++;
            var second = reader.ReadLine()
                ?? throw new SpotlightException($"{path}:{line}: entry '{first}' has no second line");
            line++;
            yield return (first, second, line);
        }
    }
}
