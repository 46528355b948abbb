using Spotlight.Metrics;

namespace Spotlight.Tests.Metrics;

public class CiderTests
{
    // Two images, so IDF = log(2) - log(max(1, df)). Image B is "c d" scored against itself.
    private static CaptionSet TwoImages(string candidateA, string referenceA) =>
        new([new CaptionItem("A", [referenceA], candidateA), new CaptionItem("B", ["c d"], "c d")]);

    [Fact]
    public void Identical_two_word_captions_score_five_not_ten()
    {
        // Every n-gram has df 1, weight log 2. Orders 1 and 2 have cosine 1; orders 3 and 4 have no n-grams,
        // so their value stays 0. Mean over n = (1 + 1 + 0 + 0) / 4 = 0.5, times 10 = 5.
        var d = new CiderD().Score(TwoImages("a b", "a b"));
        Assert.Equal(5.0, d.PerItem["CIDEr-D"][0], 12);
        Assert.Equal(5.0, d.PerItem["CIDEr-D"][1], 12);
        Assert.Equal(5.0, new Cider().Score(TwoImages("a b", "a b")).Corpus["CIDEr"], 12);
    }

    [Fact]
    public void Identical_captions_with_four_grams_score_ten()
    {
        var set = new CaptionSet([
            new CaptionItem("A", ["a cat on a mat", "a cat on a mat"], "a cat on a mat"),
            new CaptionItem("B", ["dogs run fast today"], "dogs run fast today")]);
        Assert.Equal(10.0, new CiderD().Score(set).PerItem["CIDEr-D"][0], 12);
    }

    [Fact]
    public void Repeated_words_are_clipped_and_the_length_difference_is_penalized()
    {
        // cand "a a b" vs ref "a b", L = log 2. Candidate weights: a 2L, b L, "a a" L (df 0 -> idf log 2),
        // "a b" L, "a a b" L; norms: n1 = sqrt(5) L, n2 = sqrt(2) L, n3 = L. Reference: a L, b L, "a b" L;
        // norms n1 = sqrt(2) L, n2 = L, n3 = 0.
        // CIDEr-D: n1 = (min(2L, L) L + L L) / (sqrt5 L sqrt2 L) = 2/sqrt(10); n2 = L^2 / (sqrt2 L L) = 1/sqrt(2);
        // n3 = 0 (the reference has no trigram). Lengths are bigram counts, 2 vs 1: penalty exp(-1/72).
        // CIDEr: n1 = (2L L + L L) / (sqrt10 L^2) = 3/sqrt(10), n2 the same, no penalty.
        var set = TwoImages("a a b", "a b");
        var expectedD = (2 / Math.Sqrt(10) + 1 / Math.Sqrt(2)) * Math.Exp(-1.0 / 72) / 4 * 10;   // 3.3027
        var expected = (3 / Math.Sqrt(10) + 1 / Math.Sqrt(2)) / 4 * 10;                          // 4.1395
        Assert.Equal(expectedD, new CiderD().Score(set).PerItem["CIDEr-D"][0], 12);
        Assert.Equal(expected, new Cider().Score(set).PerItem["CIDEr"][0], 12);
        Assert.Equal((expectedD + 5.0) / 2, new CiderD().Score(set).Corpus["CIDEr-D"], 12);
    }

    [Fact]
    public void A_single_image_scores_zero_because_every_idf_is_log_one()
    {
        var set = new CaptionSet([new CaptionItem("A", ["a cat on a mat"], "a cat on a mat")]);
        Assert.Equal(0.0, new CiderD().Score(set).Corpus["CIDEr-D"]);
    }

    [Fact]
    public void No_word_in_common_and_empty_candidates_score_zero()
    {
        var set = new CaptionSet([
            new CaptionItem("A", ["a cat on a mat"], "zebra giraffe"),
            new CaptionItem("B", ["dogs run fast"], ""),
            new CaptionItem("C", ["a bird"], "a bird")]);
        var s = new CiderD().Score(set).PerItem["CIDEr-D"];
        Assert.Equal(0.0, s[0]);
        Assert.Equal(0.0, s[1]);
        Assert.True(s[2] > 0);
    }

    [Fact]
    public void Non_ascii_words_are_ordinary_words()
    {
        // Same structure as the two-word case above, with accented and CJK words.
        var set = new CaptionSet([new CaptionItem("A", ["caf\u00E9 cr\u00E8me"], "caf\u00E9 cr\u00E8me"), new CaptionItem("B", ["\u6771\u4EAC \u99C5"], "\u6771\u4EAC \u99C5")]);
        Assert.Equal(5.0, new CiderD().Score(set).Corpus["CIDEr-D"], 12);
    }
}
