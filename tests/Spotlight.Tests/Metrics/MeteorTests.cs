using System.Globalization;
using Spotlight.Metrics;

namespace Spotlight.Tests.Metrics;

/// <summary>
/// Oracle values come from METEOR 1.5 itself, built from github.com/cmu-mtlab/meteor and run as COCO runs it
/// (`java -jar meteor-1.5.jar - - -stdio -l en -norm -m "..."`): the statistics line it prints for each SCORE line,
/// the score of each line, and the corpus score from the summed statistics (MeteorStats.addStats +
/// computeMetrics, which is what the EVAL line returns). Other expectations are hand arithmetic, shown.
/// </summary>
public class MeteorTests : IClassFixture<WordNetFixture>
{
    private readonly WordNetFixture fixture;

    public MeteorTests(WordNetFixture fixture) => this.fixture = fixture;

    // SCORE lines: references first, the hypothesis last.
    private static readonly string[][] Lines =
    {
        new[] { "A little girl climbing into a wooden playhouse .", "A little girl climbing the stairs to her playhouse .",
                "A child in a pink dress is climbing up a set of stairs in an entry way ." },
        new[] { "Two dogs are playing in the snow .", "The dogs play on the snow .", "Dogs played in snowy fields ." },
        new[] { "A man rides a bicycle down the hill .", "a man riding his bike downhill",
                "The cyclist rode down a steep hill ." },
        new[] { "x y z w", "z w x y" },
        new[] { "horse", "horses" },
        new[] { "The boy's shoes were running quickly .", "A boy runs quick in his shoe ." },
        new[] { "A man rides a bicycle down the hill .", "a man riding his bike downhill" },
        // Two stem candidates for "players": METEOR's tie-breaking on distance (see MeteorAligner) keeps one.
        new[] { "Two young female floor hockey players fight over the ball .",
                "A female hockey player in blue is challenging the player in white for the ball ." },
    };

    private static (Dictionary<string, IReadOnlyList<string>> Refs, Dictionary<string, string> Hyps) Items()
    {
        var refs = new Dictionary<string, IReadOnlyList<string>>();
        var hyps = new Dictionary<string, string>();
        for (int i = 0; i < Lines.Length; i++)
        {
            refs[i.ToString()] = Lines[i][..^1];
            hyps[i.ToString()] = Lines[i][^1];
        }
        return (refs, hyps);
    }

    // METEOR's MeteorStats.toString(): lengths, function words, 4 stages × (test/ref content, test/ref function),
    // chunks, matched words.
    private static string JavaStats(MeteorStatistics s)
    {
        var values = new List<double> { s.TestLength, s.ReferenceLength, s.TestFunctionWords, s.ReferenceFunctionWords };
        for (int i = 0; i < 4; i++)
            values.AddRange(i < s.TestContentMatches.Count
                ? new[] { s.TestContentMatches[i], s.ReferenceContentMatches[i], s.TestFunctionMatches[i], s.ReferenceFunctionMatches[i] }
                : new double[4]);
        values.AddRange(new[] { s.Chunks, s.TestMatches, s.ReferenceMatches });
        return string.Join(' ', values.Select(v => v.ToString("0.0", CultureInfo.InvariantCulture)));
    }

    private static void AssertMatchesMeteor(Meteor meteor, string[] expectedStats, double[] expectedScores, double expectedCorpus)
    {
        for (int i = 0; i < Lines.Length; i++)
            Assert.Equal(expectedStats[i], JavaStats(meteor.SegmentStatistics(Lines[i][^1], Lines[i][..^1])));
        var (refs, hyps) = Items();
        var result = meteor.Score(refs, hyps);
        for (int i = 0; i < Lines.Length; i++) Assert.Equal(expectedScores[i], result.PerItem[i.ToString()], 14);
        Assert.Equal(expectedCorpus, result.Score, 14);
    }

    [Fact]
    public void Exact_and_stem_match_meteor_1_5_line_by_line_and_for_the_corpus()
    {
        var meteor = new Meteor(new MeteorOptions(Modules: new[] { MeteorModule.Exact, MeteorModule.Stem }));
        AssertMatchesMeteor(meteor, new[]
        {
            "18.0 10.0 10.0 5.0 2.0 2.0 2.0 2.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 4.0 4.0 4.0",
            "6.0 8.0 2.0 5.0 1.0 1.0 2.0 2.0 1.0 1.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 3.0 4.0 4.0",
            "8.0 9.0 3.0 4.0 2.0 2.0 3.0 3.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 4.0 5.0 5.0",
            "4.0 4.0 0.0 0.0 4.0 4.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 2.0 4.0 4.0",
            "1.0 1.0 0.0 0.0 0.0 0.0 0.0 0.0 1.0 1.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 1.0 1.0 1.0",
            "8.0 8.0 4.0 4.0 1.0 1.0 1.0 1.0 3.0 3.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 4.0 5.0 5.0",
            "6.0 9.0 2.0 4.0 1.0 1.0 1.0 1.0 1.0 1.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 1.0 3.0 3.0",
            "16.0 11.0 8.0 4.0 3.0 3.0 2.0 2.0 1.0 1.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 3.0 6.0 6.0",
        }, new[]
        {
            0.14479638009049775, 0.21058021099405713, 0.20348522552433956, 0.4776696620223255, 0.6,
            0.25038574382401196, 0.16473749945613134, 0.23470908536989507,
        }, 0.2258730707629169);
    }

    [Fact]
    public void Multi_word_paraphrases_match_meteor_1_5()
    {
        fixture.Write("paraphrase.txt",
            "0.5\nriding his bike\nrides a bicycle\n0.25\ndown the hill\ndownhill\n0.1\nthe snow\nsnowy fields\n0.3\nplay\nare playing\n");
        // METEOR's -m assigns the default weights by position: with "exact stem paraphrase" paraphrase gets 0.8.
        var meteor = new Meteor(new MeteorOptions(
            ParaphraseFile: Path.Combine(fixture.Directory, "paraphrase.txt"),
            Modules: new[] { MeteorModule.Exact, MeteorModule.Stem, MeteorModule.Paraphrase },
            ModuleWeights: new[] { 1.0, 0.6, 0.8 }));
        AssertMatchesMeteor(meteor, new[]
        {
            "18.0 10.0 10.0 5.0 2.0 2.0 2.0 2.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 4.0 4.0 4.0",
            "6.0 8.0 2.0 5.0 1.0 1.0 2.0 2.0 1.0 1.0 0.0 0.0 2.0 1.0 0.0 1.0 0.0 0.0 0.0 0.0 2.0 6.0 6.0",
            "8.0 9.0 3.0 4.0 2.0 2.0 3.0 3.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 4.0 5.0 5.0",
            "4.0 4.0 0.0 0.0 4.0 4.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 2.0 4.0 4.0",
            "1.0 1.0 0.0 0.0 0.0 0.0 0.0 0.0 1.0 1.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 1.0 1.0 1.0",
            "8.0 8.0 4.0 4.0 1.0 1.0 1.0 1.0 3.0 3.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 4.0 5.0 5.0",
            "6.0 9.0 2.0 4.0 1.0 1.0 1.0 1.0 0.0 0.0 0.0 0.0 3.0 4.0 1.0 2.0 0.0 0.0 0.0 0.0 1.0 6.0 8.0",
            "16.0 11.0 8.0 4.0 3.0 3.0 2.0 2.0 1.0 1.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 3.0 6.0 6.0",
        }, new[]
        {
            0.14479638009049775, 0.3780758758896374, 0.20348522552433956, 0.4776696620223255, 0.6,
            0.25038574382401196, 0.479542183401787, 0.23470908536989507,
        }, 0.28257946947365686);
    }

    [WordNetInstalledFact]
    public void Exact_stem_and_synonym_with_debian_wordnet_match_meteor_1_5()
    {
        var meteor = new Meteor(new MeteorOptions(), WordNetInstalledFactAttribute.Installed.Value);
        Assert.Equal(new[] { MeteorModule.Exact, MeteorModule.Stem, MeteorModule.Synonym }, meteor.Modules);
        AssertMatchesMeteor(meteor, new[]
        {
            "18.0 10.0 10.0 5.0 2.0 2.0 2.0 2.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 4.0 4.0 4.0",
            "6.0 8.0 2.0 5.0 1.0 1.0 2.0 2.0 1.0 1.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 3.0 4.0 4.0",
            "8.0 9.0 3.0 4.0 2.0 2.0 3.0 3.0 0.0 0.0 0.0 0.0 1.0 1.0 0.0 0.0 0.0 0.0 0.0 0.0 5.0 6.0 6.0",
            "4.0 4.0 0.0 0.0 4.0 4.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 2.0 4.0 4.0",
            "1.0 1.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0",
            "8.0 8.0 4.0 4.0 1.0 1.0 1.0 1.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 2.0 2.0 2.0",
            "6.0 9.0 2.0 4.0 1.0 1.0 1.0 1.0 1.0 1.0 0.0 0.0 1.0 1.0 0.0 0.0 0.0 0.0 0.0 0.0 2.0 4.0 4.0",
            "16.0 11.0 8.0 4.0 3.0 3.0 2.0 2.0 1.0 1.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 3.0 6.0 6.0",
        }, new[]
        {
            0.14479638009049775, 0.21058021099405713, 0.25490309138578404, 0.4776696620223255, 0.0, 0.1,
            0.21462417690866128, 0.23470908536989507,
        }, 0.21413278479542233);
    }

    [Fact]
    public void A_synonym_match_is_weighted_0_8_and_function_words_by_one_minus_delta()
    {
        var meteor = new Meteor(new MeteorOptions(WordNetDirectory: fixture.Directory));
        var result = meteor.Score(new Dictionary<string, IReadOnlyList<string>> { ["1"] = new[] { "the big dog" } },
            new Dictionary<string, string> { ["1"] = "The large dog" });
        // the~the exact (function word), dog~dog exact, large~big synonym; one chunk covering everything.
        // Weighted length = 0.75·2 + 0.25·1 = 1.75 on both sides; weighted matches = 0.75·1 + 0.75·0.8 + 0.25·1
        // = 1.6; P = R = F_mean = 1.6 / 1.75 = 32/35, and a perfect alignment has no fragmentation penalty.
        Assert.Equal(32.0 / 35, result.Score, 14);
        Assert.Equal(new[] { MeteorModule.Exact, MeteorModule.Stem, MeteorModule.Synonym }, result.Modules);
    }

    [Fact]
    public void Fragmentation_penalty_follows_gamma_times_chunks_over_matches_to_the_beta()
    {
        var meteor = new Meteor();
        var stats = meteor.SegmentStatistics("x y z w", new[] { "z w x y" });
        // Two chunks (z w | x y) over 4 matches: penalty = 0.6 · 0.5^0.2; P = R = 1.
        Assert.Equal(2, stats.Chunks);
        Assert.Equal(1 - 0.6 * Math.Pow(0.5, 0.2), meteor.ScoreOf(stats).Score, 14);
    }

    [Fact]
    public void Corpus_score_comes_from_summed_statistics_and_perfect_items_add_no_chunks()
    {
        var meteor = new Meteor();
        var result = meteor.Score(
            new Dictionary<string, IReadOnlyList<string>> { ["a"] = new[] { "z w x y" }, ["b"] = new[] { "p q" } },
            new Dictionary<string, string> { ["a"] = "x y z w", ["b"] = "p q" });
        // Sums: 6 matches each side, chunks 2 (from "a"; the perfect "b" adds none): 1 − 0.6 · (2/6)^0.2.
        // (The mean of the item scores, (0.4777 + 1) / 2, would be 0.7388.)
        Assert.Equal(1.0, result.PerItem["b"]);
        Assert.Equal(1 - 0.6 * Math.Pow(2.0 / 6, 0.2), result.Score, 14);
    }

    [Fact]
    public void A_lone_non_exact_match_with_rival_candidates_is_dropped_as_in_meteor_1_5()
    {
        // METEOR 1.5 prints all zeros for "SCORE ||| horse ||| horses" with exact stem synonym: stem and synonym
        // both propose horses~horse, so neither is fixed, and in the beam a 0.5-weighted one-word match adds
        // (int)0.5 = 0 coverage but one chunk, so the empty alignment ranks first.
        var meteor = new Meteor(new MeteorOptions(), WordNetSynonyms.LoadWordNet(fixture.Directory));
        Assert.Equal(0.0, meteor.ScoreOf(meteor.SegmentStatistics("horses", new[] { "horse" })).Score);
        // With the stem module alone the match is the only candidate, fixed, and counts (score 0.6).
        var stemOnly = new Meteor();
        Assert.Equal(0.6, stemOnly.ScoreOf(stemOnly.SegmentStatistics("horses", new[] { "horse" })).Score, 14);
    }

    [Fact]
    public void Words_with_equal_java_hash_codes_count_as_the_same_word()
    {
        // "Aa" and "BB" both hash to 2112 in Java; METEOR compares words by hash.
        var meteor = new Meteor(new MeteorOptions(Normalization: MeteorNormalization.None));
        Assert.Equal(1.0, meteor.SegmentStatistics("Aa", new[] { "BB" }).TestMatches);
        Assert.Equal(0.0, meteor.SegmentStatistics("Aa", new[] { "BC" }).TestMatches);
    }

    [Fact]
    public void The_best_reference_is_kept_per_item()
    {
        var meteor = new Meteor();
        var stats = meteor.SegmentStatistics("a cat sits", new[] { "dogs run fast", "a cat sits" });
        Assert.True(stats.IsPerfect);
        Assert.Equal(3, stats.ReferenceLength);
    }

    [Fact]
    public void Items_must_be_the_same_in_references_and_hypotheses()
    {
        var ex = Assert.Throws<SpotlightException>(() => new Meteor().Score(
            new Dictionary<string, IReadOnlyList<string>> { ["1"] = new[] { "a" }, ["2"] = new[] { "b" } },
            new Dictionary<string, string> { ["1"] = "a", ["3"] = "b" }));
        Assert.Equal("METEOR needs the same items in references and hypotheses: item '2' has references but no hypothesis",
            ex.Message);
    }

    [Fact]
    public void Asking_for_synonyms_without_wordnet_is_a_clear_error()
    {
        var ex = Assert.Throws<SpotlightException>(() =>
            new Meteor(new MeteorOptions(Modules: new[] { MeteorModule.Exact, MeteorModule.Synonym })));
        Assert.StartsWith("METEOR synonym module needs WordNet", ex.Message);
        Assert.Equal(new[] { MeteorModule.Exact, MeteorModule.Stem }, new Meteor().Modules);
    }
}
