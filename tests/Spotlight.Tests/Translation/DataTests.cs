using System.IO.Compression;
using System.Text;
using Spotlight.Translation;

namespace Spotlight.Tests.Translation;

public class DataTests
{
    [Fact]
    public void Misaligned_files_are_refused_naming_both_files_and_counts()
    {
        using var folder = new TemporaryFolder();
        var src = Write(folder, "a.de", "eins\nzwei\ndrei\n");
        var tgt = Write(folder, "a.en", "one\ntwo\n");
        var e = Assert.Throws<SpotlightException>(() => ParallelCorpus.FromFiles(src, tgt));
        Assert.Equal($"{src} has 3 lines but {tgt} has 2; parallel files must be line-aligned (line i of one translates line i of the other)", e.Message);
    }

    [Fact]
    public void Empty_and_invalid_utf8_lines_are_skipped_and_reported_with_file_and_line()
    {
        using var folder = new TemporaryFolder();
        var src = Path.Combine(folder.Path, "s.txt");
        File.WriteAllBytes(src, [.. "gut\n"u8, .. "schlecht "u8, 0xFF, (byte)'\n', .. "  \n"u8, .. "ok\r\n"u8]);
        var tgt = Write(folder, "t.txt", "good\nbad\nblank\n\n");
        var corpus = ParallelCorpus.FromFiles(src, tgt);
        Assert.Equal([new SentencePair("gut", "good", 1)], corpus.Pairs);
        Assert.Equal(3, corpus.Issues.Count);
        Assert.Equal(src, corpus.Issues[0].File);
        Assert.Equal(2, corpus.Issues[0].Line);
        Assert.StartsWith("invalid UTF-8", corpus.Issues[0].Problem);
        Assert.Equal($"{src}:3: empty line", corpus.Issues[1].ToString());
        Assert.Equal($"{tgt}:4: empty line", corpus.Issues[2].ToString());   // "ok" has an empty translation
    }

    [Fact]
    public void Gzip_files_and_a_byte_order_mark_are_read()
    {
        using var folder = new TemporaryFolder();
        var gz = Path.Combine(folder.Path, "train.de.gz");
        using (var file = File.Create(gz))
        using (var zip = new GZipStream(file, CompressionLevel.Fastest))
            zip.Write(Encoding.UTF8.GetBytes("\uFEFFZwei Männer.\nEin Hund.\n"));
        Write(folder, "train.en", "Two men.\nA dog.\n");
        var corpus = ParallelCorpus.FromMulti30k(folder.Path, "train", "de", "en");
        Assert.Equal(["Zwei Männer.", "Ein Hund."], corpus.Pairs.Select(p => p.Source));
        Assert.Empty(corpus.Issues);
    }

    [Fact]
    public void A_missing_multi30k_file_names_what_was_looked_for()
    {
        using var folder = new TemporaryFolder();
        var e = Assert.Throws<SpotlightException>(() => ParallelCorpus.FromMulti30k(folder.Path, "val", "de", "en"));
        Assert.Equal($"{folder.Path}: no val.de.gz or val.de (Multi30k layout), also not under raw/", e.Message);
    }

    [Fact]
    public void A_tatoeba_tsv_keeps_two_columns_and_reports_short_lines()
    {
        using var folder = new TemporaryFolder();
        var tsv = Write(folder, "eng-fra.txt", "Go.\tVa !\tCC-BY 2.0 (France) Attribution: tatoeba.org #2877272\nno tab here\nHi.\t\tattribution\n");
        var corpus = ParallelCorpus.FromTsv(tsv);
        Assert.Equal([new SentencePair("Go.", "Va !", 1)], corpus.Pairs);
        Assert.Equal([$"{tsv}:2: has 1 tab-separated column(s), needs 2", $"{tsv}:3: empty source or target column"],
            corpus.Issues.Select(i => i.ToString()));
    }

    [SkippableFact]
    public void The_real_tatoeba_sample_reads_without_issues_when_present()
    {
        var path = SharedData.Find("data/tatoeba-eng-fra-5k/eng-fra.txt");
        Skip.If(path is null, "shared/data/tatoeba-eng-fra-5k is not beside the repository");
        var corpus = ParallelCorpus.FromTsv(path);
        Assert.Equal(5000, corpus.Pairs.Count);
        Assert.Empty(corpus.Issues);
        Assert.Equal(("Go.", "Va !"), (corpus.Pairs[0].Source, corpus.Pairs[0].Target));
    }

    [Fact]
    public void Over_long_pairs_are_dropped_with_their_line()
    {
        var subwords = TranslationKit.Letters(4);
        var corpus = new ParallelCorpus([new("abc", "cba", 1), new("abcdabcd", "a", 2), new("a", "a", 3)], [], "f");
        var encoded = SubwordCorpus.Encode(corpus, subwords, maxLength: 5);
        Assert.Equal([1, 3], encoded.Pairs.Select(p => p.Line));
        Assert.Equal("f:2: over-long pair (8 source, 1 target subwords; the limit is 5)", encoded.Dropped.Single().ToString());
    }

    [Fact]
    public void Synthetic_targets_are_the_copy_reverse_and_sorted_source()
    {
        foreach (var kind in Enum.GetValues<SyntheticTaskKind>())
        {
            var pairs = new SyntheticTask(kind, 2, 5, 6).Generate(50, seed: 3);
            Assert.Equal(pairs, new SyntheticTask(kind, 2, 5, 6).Generate(50, seed: 3));
            foreach (var p in pairs)
            {
                Assert.InRange(p.Source.Length, 2, 5);
                Assert.All(p.Source, c => Assert.InRange(c, 'a', 'f'));
                var expected = kind switch
                {
                    SyntheticTaskKind.Copy => p.Source,
                    SyntheticTaskKind.Reverse => string.Concat(p.Source.Reverse()),
                    _ => string.Concat(p.Source.OrderBy(c => c)),
                };
                Assert.Equal(expected, p.Target);
            }
        }
    }

    [Fact]
    public void Batches_cover_every_pair_once_within_the_token_budget_and_repeat_for_the_same_epoch()
    {
        var random = new Random(1);
        var pairs = Enumerable.Range(0, 300).Select(i => new EncodedPair(new int[random.Next(1, 30)], new int[random.Next(1, 30)], i)).ToList();
        var plan = BatchPlan.Make(pairs, maxTokens: 200, maxSentences: 16, seed: 7, epoch: 2);
        Assert.Equal(Enumerable.Range(0, 300), plan.SelectMany(b => b).Order());
        foreach (var batch in plan)
        {
            Assert.InRange(batch.Length, 1, 16);
            int longest = batch.Max(i => Math.Max(pairs[i].Source.Length, pairs[i].Target.Length) + 1);
            Assert.True(batch.Length == 1 || batch.Length * longest <= 200);
        }
        Assert.Equal(plan, BatchPlan.Make(pairs, 200, 16, 7, 2));
        Assert.NotEqual(plan, BatchPlan.Make(pairs, 200, 16, 7, 3));
    }

    private static string Write(TemporaryFolder folder, string name, string text)
    {
        var path = Path.Combine(folder.Path, name);
        File.WriteAllText(path, text);
        return path;
    }
}
