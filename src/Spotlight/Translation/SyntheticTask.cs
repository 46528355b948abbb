namespace Spotlight.Translation;

/// <summary>The synthetic sequence tasks: the target is the source copied, reversed, or sorted.</summary>
public enum SyntheticTaskKind { Copy, Reverse, Sort }

/// <summary>
/// Sentence pairs for tests and the offline demo. A source is <c>length</c> symbols drawn uniformly from the first
/// <paramref name="Symbols"/> lower-case letters, written without spaces ("dbca"), so with no BPE merges every
/// letter is one subword; lengths are uniform in [MinLength, MaxLength]. Deterministic in the seed.
/// </summary>
public sealed record SyntheticTask(SyntheticTaskKind Kind, int MinLength, int MaxLength, int Symbols = 10)
{
    public void Validate()
    {
        if (MinLength < 1) throw new SpotlightException($"synthetic task: minimum length must be ≥ 1, got {MinLength}");
        if (MaxLength < MinLength) throw new SpotlightException($"synthetic task: maximum length {MaxLength} is below the minimum {MinLength}");
        if (Symbols < 2 || Symbols > 26) throw new SpotlightException($"synthetic task: symbols must be 2..26, got {Symbols}");
    }

    public List<SentencePair> Generate(int count, int seed)
    {
        Validate();
        if (count < 0) throw new SpotlightException($"synthetic task: count must be ≥ 0, got {count}");
        var random = new Random(seed);
        var pairs = new List<SentencePair>(count);
        for (int i = 0; i < count; i++)
        {
            var letters = new char[random.Next(MinLength, MaxLength + 1)];
            for (int j = 0; j < letters.Length; j++) letters[j] = (char)('a' + random.Next(Symbols));
            pairs.Add(new SentencePair(new string(letters), Target(new string(letters)), i + 1));
        }
        return pairs;
    }

    /// <summary>The correct output for a source.</summary>
    public string Target(string source) => Kind switch
    {
        SyntheticTaskKind.Copy => source,
        SyntheticTaskKind.Reverse => new string(source.Reverse().ToArray()),
        SyntheticTaskKind.Sort => new string(source.Order().ToArray()),
        _ => throw new ArgumentOutOfRangeException(nameof(Kind)),
    };

    /// <summary>Writes the pairs as two line-aligned files, atomically.</summary>
    public static void Write(IReadOnlyList<SentencePair> pairs, string sourcePath, string targetPath)
    {
        foreach (var p in new[] { sourcePath, targetPath })
            if (Path.GetDirectoryName(Path.GetFullPath(p)) is { } dir) Directory.CreateDirectory(dir);
        IO.AtomicFile.WriteAllText(sourcePath, string.Concat(pairs.Select(p => p.Source + "\n")));
        IO.AtomicFile.WriteAllText(targetPath, string.Concat(pairs.Select(p => p.Target + "\n")));
    }
}
