namespace Spotlight.Translation;

/// <summary>One sentence pair; <see cref="Line"/> is its 1-based line in the file(s) it came from.</summary>
public sealed record SentencePair(string Source, string Target, int Line);

/// <summary>A line that was left out, and why: "file:line: problem".</summary>
public sealed record DataIssue(string File, int Line, string Problem)
{
    public override string ToString() => $"{File}:{Line}: {Problem}";
}

/// <summary>
/// Sentence pairs read from parallel text, with every line that was left out. The rules (docs/translation.md):
/// files whose line counts differ are refused before anything else happens; a line that is not valid UTF-8, or is
/// empty (only whitespace) on either side, or a TSV line with too few columns, is skipped and reported with its file
/// and line. Over-long pairs are dropped later, after subword segmentation (<see cref="SubwordCorpus"/>), also
/// with a report. Nothing is checked mid-epoch: all text is read and checked before training starts.
/// </summary>
public sealed record ParallelCorpus(IReadOnlyList<SentencePair> Pairs, IReadOnlyList<DataIssue> Issues, string Description)
{
    /// <summary>Two line-aligned files (plain or .gz): line i of one translates line i of the other.</summary>
    public static ParallelCorpus FromFiles(string sourcePath, string targetPath)
    {
        var source = TextLines.Read(sourcePath);
        var target = TextLines.Read(targetPath);
        if (source.Count != target.Count)
            throw new SpotlightException($"{sourcePath} has {source.Count} lines but {targetPath} has {target.Count}; " +
                "parallel files must be line-aligned (line i of one translates line i of the other)");
        var pairs = new List<SentencePair>(source.Count);
        var issues = new List<DataIssue>();
        for (int i = 0; i < source.Count; i++)
        {
            if (Check(source[i], sourcePath, issues) && Check(target[i], targetPath, issues))
                pairs.Add(new SentencePair(source[i].Text!, target[i].Text!, source[i].Number));
        }
        return new ParallelCorpus(pairs, issues, $"{sourcePath} + {targetPath}");
    }

    /// <summary>
    /// A tab-separated file, one pair per line, source and target in the given 0-based columns (Tatoeba's
    /// eng-fra.txt: English, French, attribution → columns 0 and 1). Further columns are ignored.
    /// </summary>
    public static ParallelCorpus FromTsv(string path, int sourceColumn = 0, int targetColumn = 1)
    {
        if (sourceColumn < 0 || targetColumn < 0 || sourceColumn == targetColumn)
            throw new SpotlightException($"TSV columns must be two different indices ≥ 0, got {sourceColumn} and {targetColumn}");
        var pairs = new List<SentencePair>();
        var issues = new List<DataIssue>();
        int needed = Math.Max(sourceColumn, targetColumn) + 1;
        foreach (var line in TextLines.Read(path))
        {
            if (!Check(line, path, issues)) continue;
            var fields = line.Text!.Split('\t');
            if (fields.Length < needed)
            {
                issues.Add(new DataIssue(path, line.Number, $"has {fields.Length} tab-separated column(s), needs {needed}"));
                continue;
            }
            if (string.IsNullOrWhiteSpace(fields[sourceColumn]) || string.IsNullOrWhiteSpace(fields[targetColumn]))
            {
                issues.Add(new DataIssue(path, line.Number, "empty source or target column"));
                continue;
            }
            pairs.Add(new SentencePair(fields[sourceColumn], fields[targetColumn], line.Number));
        }
        return new ParallelCorpus(pairs, issues, path);
    }

    /// <summary>
    /// Multi30k's layout: <paramref name="directory"/> holds <c>{split}.{lang}.gz</c> (or without .gz), e.g.
    /// train.de.gz + train.en.gz, val.*, test_2016_flickr.*; a <c>raw/</c> subfolder is looked into as well.
    /// </summary>
    public static ParallelCorpus FromMulti30k(string directory, string split, string sourceLanguage, string targetLanguage) =>
        FromFiles(Multi30kFile(directory, split, sourceLanguage), Multi30kFile(directory, split, targetLanguage));

    /// <summary>The path of one Multi30k file, .gz preferred; a clear error when neither form exists.</summary>
    public static string Multi30kFile(string directory, string split, string language)
    {
        foreach (var folder in new[] { directory, Path.Combine(directory, "raw") })
            foreach (var name in new[] { $"{split}.{language}.gz", $"{split}.{language}" })
                if (File.Exists(Path.Combine(folder, name))) return Path.Combine(folder, name);
        throw new SpotlightException($"{directory}: no {split}.{language}.gz or {split}.{language} (Multi30k layout), also not under raw/");
    }

    /// <summary>The first <paramref name="max"/> issues, one per line, and a count of the rest.</summary>
    public string IssueSummary(int max = 10)
    {
        if (Issues.Count == 0) return "";
        var lines = Issues.Take(max).Select(i => i.ToString()).ToList();
        if (Issues.Count > max) lines.Add($"... and {Issues.Count - max} more");
        return string.Join('\n', lines);
    }

    private static bool Check(TextLine line, string file, List<DataIssue> issues)
    {
        if (line.Problem is not null) { issues.Add(new DataIssue(file, line.Number, line.Problem)); return false; }
        if (string.IsNullOrWhiteSpace(line.Text)) { issues.Add(new DataIssue(file, line.Number, "empty line")); return false; }
        return true;
    }
}
