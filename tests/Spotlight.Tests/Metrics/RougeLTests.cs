using Spotlight.Metrics;

namespace Spotlight.Tests.Metrics;

public class RougeLTests
{
    private const double B2 = 1.2 * 1.2; // β² = 1.44

    private static double F(double p, double r) => (1 + B2) * p * r / (r + B2 * p);

    [Fact]
    public void Precision_and_recall_come_from_the_LCS()
    {
        // cand "a b c d", ref "a b x": LCS "a b" = 2, P = 2/4, R = 2/3,
        // F = 2.44 * 0.5 * 0.6667 / (0.6667 + 1.44 * 0.5) = 0.8133 / 1.3867 = 0.5865.
        Assert.Equal(F(0.5, 2.0 / 3), RougeL.ScoreItem("a b c d", ["a b x"]), 15);
        Assert.Equal(0.586538, RougeL.ScoreItem("a b c d", ["a b x"]), 6);
    }

    [Fact]
    public void Best_precision_and_best_recall_may_come_from_different_references()
    {
        // cand "cat mat": ref "cat" gives P 1/2, R 1; ref "a cat on the mat today" gives P 1, R 1/3.
        // pycocoevalcap takes max P = 1 and max R = 1 separately, so F = 1 (either reference alone gives < 0.71).
        Assert.Equal(1.0, RougeL.ScoreItem("cat mat", ["cat", "a cat on the mat today"]), 15);
    }

    [Fact]
    public void One_word_candidate()
    {
        // "dog" vs "a dog" (P 1, R 1/2) and "dog running in a field" (P 1, R 1/5): F(1, 1/2) = 1.22 / 1.94 = 0.6289.
        Assert.Equal(F(1, 0.5), RougeL.ScoreItem("dog", ["a dog", "dog running in a field"]), 15);
    }

    [Fact]
    public void Empty_candidate_is_one_empty_word_so_it_matches_only_an_empty_reference()
    {
        Assert.Equal(0.0, RougeL.ScoreItem("", ["a dog"]));
        Assert.Equal(1.0, RougeL.ScoreItem("", ["a dog", ""]));
    }

    [Fact]
    public void Tokens_split_on_single_spaces_only_so_a_no_break_space_joins_words()
    {
        // cand tokens ["3\u00A01/2", "cups"], ref tokens ["3", "1/2", "cups"]: LCS 1, P 1/2, R 1/3.
        Assert.Equal(F(0.5, 1.0 / 3), RougeL.ScoreItem("3\u00A01/2 cups", ["3 1/2 cups"]), 15);
    }

    [Fact]
    public void No_word_in_common_scores_zero()
    {
        Assert.Equal(0.0, RougeL.ScoreItem("zebra giraffe", ["a cat on a mat", "a dog"]));
    }

    [Fact]
    public void Lcs_matches_a_brute_force_search_on_small_random_sequences()
    {
        var rng = new Random(3);
        for (var trial = 0; trial < 200; trial++)
        {
            var a = Enumerable.Range(0, rng.Next(0, 7)).Select(_ => "w" + rng.Next(3)).ToArray();
            var b = Enumerable.Range(0, rng.Next(0, 7)).Select(_ => "w" + rng.Next(3)).ToArray();
            Assert.Equal(BruteForceLcs(a, b), RougeL.LcsLength(a, b));
        }
    }

    /// <summary>Tries every subsequence of a (at most 2^6) and keeps the longest that is also one of b.</summary>
    private static int BruteForceLcs(string[] a, string[] b)
    {
        var best = 0;
        for (var mask = 0; mask < 1 << a.Length; mask++)
        {
            var sub = a.Where((_, i) => (mask & (1 << i)) != 0).ToArray();
            var j = 0;
            foreach (var w in b)
                if (j < sub.Length && w == sub[j]) j++;
            if (j == sub.Length) best = Math.Max(best, sub.Length);
        }
        return best;
    }

    [Fact]
    public void Corpus_score_is_the_mean_of_item_scores()
    {
        var set = new CaptionSet([new CaptionItem("1", ["a b x"], "a b c d"), new CaptionItem("2", ["q"], "q")]);
        var s = new RougeL().Score(set);
        Assert.Equal((F(0.5, 2.0 / 3) + 1.0) / 2, s.Corpus["ROUGE-L"], 15);
    }
}
