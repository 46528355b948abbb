namespace Spotlight.Translation;

/// <summary>
/// Where a translator's training data comes from: exactly one of line-aligned files (<paramref name="Src"/> and
/// <paramref name="Tgt"/>), a TSV file (<paramref name="Tsv"/>, two columns such as "0,1"), or a Multi30k folder
/// (<paramref name="Multi30k"/>, language pair such as "de-en", validation from its "val" split unless given).
/// </summary>
public sealed record TranslationDataSource(string? Src, string? Tgt, string? Tsv, string Columns, string? Multi30k, string Pair,
    string? ValidSrc, string? ValidTgt)
{
    public (ParallelCorpus Train, ParallelCorpus? Valid) Load()
    {
        int given = (Src is not null || Tgt is not null ? 1 : 0) + (Tsv is not null ? 1 : 0) + (Multi30k is not null ? 1 : 0);
        if (given != 1) throw new SpotlightException("give the training data one way: --src and --tgt, or --tsv, or --multi30k");
        if ((Src is null) != (Tgt is null)) throw new SpotlightException("--src and --tgt go together");
        if ((ValidSrc is null) != (ValidTgt is null)) throw new SpotlightException("--valid-src and --valid-tgt go together");
        var valid = ValidSrc is not null ? ParallelCorpus.FromFiles(ValidSrc, ValidTgt!) : null;
        if (Multi30k is not null)
        {
            var langs = Pair.Split('-');
            if (langs.Length != 2) throw new SpotlightException($"--pair must look like de-en, got '{Pair}'");
            return (ParallelCorpus.FromMulti30k(Multi30k, "train", langs[0], langs[1]), valid ?? ParallelCorpus.FromMulti30k(Multi30k, "val", langs[0], langs[1]));
        }
        if (Tsv is not null)
        {
            var cols = Columns.Split(',');
            if (cols.Length != 2 || !int.TryParse(cols[0], out var a) || !int.TryParse(cols[1], out var b))
                throw new SpotlightException($"--tsv-columns must be two indices like 0,1, got '{Columns}'");
            return (ParallelCorpus.FromTsv(Tsv, a, b), valid);
        }
        return (ParallelCorpus.FromFiles(Src!, Tgt!), valid);
    }
}
